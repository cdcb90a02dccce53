package io.lakehub.delta;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads the rows of one Parquet data file as {@code Object[]} in the order of a target Delta schema.
 *
 * <p>Columns are matched by name, case-insensitively (Delta column names are case-insensitive). A
 * target column the file lacks (the table schema was widened after the file was written) reads as
 * {@code null}; a file column the target lacks is not read at all (column projection). Values have
 * the classes listed in {@link ColumnTypes}. Besides the forms lakehub writes (INT96 timestamps among
 * them), it reads what other writers produce for Delta: INT32/INT64 decimals and INT64
 * {@code TIMESTAMP(MILLIS|MICROS|NANOS)} timestamps, and arrays (a {@link List}) in the standard
 * three-level {@code LIST} form as well as the legacy two-level form (a repeated field inside the
 * {@code LIST} group), per the Parquet format's LogicalTypes.md "Lists" backward-compatibility rules.
 * Memory is bounded by one row group's pages. Not thread-safe.
 */
public final class ParquetRowReader implements Closeable {

    private final ParquetReader<Object[]> reader;

    /**
     * Opens {@code file} for reading.
     *
     * @param target the schema rows are returned in
     * @throws IOException if the file cannot be opened or is not Parquet
     */
    public ParquetRowReader(Path file, Configuration conf, TableSchema target) throws IOException {
        this.reader = ParquetReader.builder(new RowReadSupport(target), file).withConf(conf).build();
    }

    /** The next row, or {@code null} at the end of the file. @throws IOException on a read failure */
    public Object[] next() throws IOException {
        return reader.read();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static final class RowReadSupport extends ReadSupport<Object[]> {
        private final TableSchema target;

        RowReadSupport(TableSchema target) {
            this.target = target;
        }

        @Override
        public ReadContext init(InitContext context) {
            MessageType file = context.getFileSchema();
            List<Type> wanted = new ArrayList<>();
            for (Type column : file.getFields()) {
                if (index(target, column.getName()) >= 0) {
                    wanted.add(column);
                }
            }
            return new ReadContext(new MessageType(file.getName(), wanted));
        }

        @Override
        public RecordMaterializer<Object[]> prepareForRead(Configuration configuration, Map<String, String> keyValueMetaData,
                MessageType fileSchema, ReadContext readContext) {
            return new RowMaterializer(readContext.getRequestedSchema(), target);
        }
    }

    static int index(TableSchema schema, String name) {
        Column[] fields = schema.columns().toArray(new Column[0]);
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static final class RowMaterializer extends RecordMaterializer<Object[]> {
        private final int width;
        private Object[] current;
        private final GroupConverter root;

        RowMaterializer(MessageType requested, TableSchema target) {
            this.width = target.size();
            List<Type> columns = requested.getFields();
            Converter[] converters = new Converter[columns.size()];
            for (int i = 0; i < converters.length; i++) {
                int slot = index(target, columns.get(i).getName());
                Column field = target.column(slot);
                if (columns.get(i).isPrimitive()) {
                    converters[i] = converter(columns.get(i).asPrimitiveType(), field.type(), v -> current[slot] = v);
                } else if (field.type() instanceof ColumnType.Array array) {
                    converters[i] = listConverter(columns.get(i).asGroupType(), array, v -> current[slot] = v);
                } else {
                    throw new IllegalArgumentException("column " + field.name() + " is a group in the file but "
                            + field.type().simpleString() + " in the table");
                }
            }
            this.root = new GroupConverter() {
                @Override
                public Converter getConverter(int fieldIndex) {
                    return converters[fieldIndex];
                }

                @Override
                public void start() {
                    current = new Object[width];
                }

                @Override
                public void end() {
                }
            };
        }

        @Override
        public Object[] getCurrentRecord() {
            return current;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }

        /** Collects one {@code LIST} group's elements into a {@link List}, handed to {@code sink} at its end. */
        private GroupConverter listConverter(org.apache.parquet.schema.GroupType list, ColumnType.Array array, Consumer<Object> sink) {
            Type repeated = list.getType(0);
            return new GroupConverter() {
                private List<Object> values;
                private Object element;
                private final Converter child = repeated.isPrimitive()
                        ? converter(repeated.asPrimitiveType(), array.element(), v -> values.add(v))
                        : new GroupConverter() {
                            private final Converter leaf = converter(repeated.asGroupType().getType(0).asPrimitiveType(),
                                    array.element(), v -> element = v);

                            @Override
                            public Converter getConverter(int fieldIndex) {
                                return leaf;
                            }

                            @Override
                            public void start() {
                                element = null;
                            }

                            @Override
                            public void end() {
                                values.add(element);
                            }
                        };

                @Override
                public Converter getConverter(int fieldIndex) {
                    return child;
                }

                @Override
                public void start() {
                    values = new ArrayList<>();
                }

                @Override
                public void end() {
                    sink.accept(values);
                }
            };
        }

        private PrimitiveConverter converter(PrimitiveType column, ColumnType type, Consumer<Object> sink) {
            LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
            if (type instanceof ColumnType.Decimal d) {
                int scale = d.scale();
                return new PrimitiveConverter() {
                    @Override
                    public void addBinary(Binary value) {
                        sink.accept(new BigDecimal(new BigInteger(value.getBytes()), scale));
                    }

                    @Override
                    public void addInt(int value) {
                        sink.accept(BigDecimal.valueOf(value, scale));
                    }

                    @Override
                    public void addLong(long value) {
                        sink.accept(BigDecimal.valueOf(value, scale));
                    }
                };
            } else if (type == ColumnType.TIMESTAMP) {
                LogicalTypeAnnotation.TimeUnit unit = logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
                        ? ts.getUnit() : LogicalTypeAnnotation.TimeUnit.MICROS;
                return new PrimitiveConverter() {
                    @Override
                    public void addLong(long value) {
                        sink.accept(switch (unit) {
                            case MILLIS -> Instant.ofEpochMilli(value);
                            case MICROS -> ColumnTypes.fromMicros(value);
                            case NANOS -> Instant.EPOCH.plusNanos(value);
                        });
                    }

                    @Override
                    public void addBinary(Binary int96) {
                        ByteBuffer buf = int96.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                        long nanosOfDay = buf.getLong();
                        int julianDay = buf.getInt();
                        long epochDay = julianDay - ColumnTypes.JULIAN_DAY_OF_EPOCH;
                        sink.accept(Instant.EPOCH.plusSeconds(epochDay * 86_400L).plusNanos(nanosOfDay));
                    }
                };
            } else if (type == ColumnType.TIMESTAMP_NTZ) {
                LogicalTypeAnnotation.TimeUnit unit = logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
                        ? ts.getUnit() : LogicalTypeAnnotation.TimeUnit.MICROS;
                return new PrimitiveConverter() {
                    @Override
                    public void addLong(long value) {
                        Instant at = switch (unit) {
                            case MILLIS -> Instant.ofEpochMilli(value);
                            case MICROS -> ColumnTypes.fromMicros(value);
                            case NANOS -> Instant.EPOCH.plusNanos(value);
                        };
                        sink.accept(java.time.LocalDateTime.ofInstant(at, java.time.ZoneOffset.UTC));
                    }
                };
            } else if (type == ColumnType.DATE) {
                return new PrimitiveConverter() {
                    @Override
                    public void addInt(int value) {
                        sink.accept(LocalDate.ofEpochDay(value));
                    }
                };
            } else if (type == ColumnType.STRING) {
                return new PrimitiveConverter() {
                    @Override
                    public void addBinary(Binary value) {
                        sink.accept(value.toStringUsingUTF8());
                    }
                };
            } else if (type == ColumnType.BINARY) {
                return new PrimitiveConverter() {
                    @Override
                    public void addBinary(Binary value) {
                        sink.accept(value.getBytes());
                    }
                };
            }
            return new PrimitiveConverter() {
                @Override
                public void addLong(long value) {
                    sink.accept(value);
                }

                @Override
                public void addInt(int value) {
                    sink.accept(type.typeName().toLowerCase(Locale.ROOT).equals("long") ? (Object) (long) value : value);
                }

                @Override
                public void addDouble(double value) {
                    sink.accept(value);
                }

                @Override
                public void addFloat(float value) {
                    sink.accept(value);
                }

                @Override
                public void addBoolean(boolean value) {
                    sink.accept(value);
                }
            };
        }
    }
}
