package io.lakehub.sql;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Locale;

import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.delta.ColumnTypes;

/**
 * Maps a JDBC result set's columns to Delta columns and reads each row as typed values.
 *
 * <p>Mapping ({@link java.sql.Types} to Delta, chosen to lose nothing): BIGINT to long; INTEGER,
 * SMALLINT, TINYINT to integer; DECIMAL/NUMERIC(p,s) to decimal(p,s) (an unconstrained NUMERIC, which
 * PostgreSQL reports with precision 0 or above 38, to decimal(38,18); a value that would need rounding
 * fails the load); REAL to float; FLOAT, DOUBLE to double; BIT, BOOLEAN to boolean; DATE to date;
 * TIMESTAMP to timestamp (wall-clock read as UTC, see {@link ColumnTypes#instantOf}); a zoned timestamp to
 * timestamp (the instant): TIMESTAMP WITH TIME ZONE, and the columns drivers report as plain TIMESTAMP or under
 * their own code although they hold an instant, recognised by their type name ({@link SourceDialect#zoned}:
 * PostgreSQL {@code timestamptz}, SQL Server {@code datetimeoffset}, MariaDB/MySQL {@code TIMESTAMP}); BINARY, VARBINARY, LONGVARBINARY, BLOB to binary; everything
 * else (CHAR, VARCHAR, CLOB, TIME, UUID, JSON, ...) to string via {@code getString}. Column names are
 * lower-cased, so H2's upper-case names and PostgreSQL's lower-case names give the same table.
 */
public final class JdbcColumns implements io.lakehub.delta.ResultSetOverwrite.RowMapping {

    private final TableSchema schema;
    private final int[] kinds;
    private final int[] scales;
    private final boolean[] zoned;

    private static final int LONG = 0, INT = 1, DECIMAL = 2, FLOAT = 3, DOUBLE = 4, BOOL = 5, DATE = 6, TS = 7,
            TSTZ = 8, BINARY = 9, STRING = 10;

    /**
     * Columns of a result set of a database whose dialect is not known: zoned columns are recognised by their JDBC
     * type only (TIMESTAMP WITH TIME ZONE).
     *
     * @throws SQLException if the metadata cannot be read
     */
    public JdbcColumns(ResultSetMetaData md) throws SQLException {
        this(md, SourceDialect.OTHER);
    }

    /**
     * Columns of a result set from a database of {@code dialect}.
     *
     * @throws SQLException if the metadata cannot be read
     */
    JdbcColumns(ResultSetMetaData md, SourceDialect dialect) throws SQLException {
        int n = md.getColumnCount();
        Column[] fields = new Column[n];
        kinds = new int[n];
        scales = new int[n];
        zoned = new boolean[n];
        for (int i = 0; i < n; i++) {
            int c = i + 1;
            String name = md.getColumnLabel(c).toLowerCase(Locale.ROOT);
            ColumnType type;
            int jdbcType = md.getColumnType(c);
            if (dialect.zoned(jdbcType, md.getColumnTypeName(c))) {
                zoned[i] = true;
                // MariaDB TIMESTAMP arrives as the UTC wall clock under SourceDialect.useUtcSession
                kinds[i] = dialect.zonedAsUtcWallClock() ? TS : TSTZ;
                fields[i] = new Column(name, ColumnType.TIMESTAMP, true);
                continue;
            }
            switch (jdbcType) {
                case Types.BIGINT -> {
                    kinds[i] = LONG;
                    type = ColumnType.LONG;
                }
                case Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
                    kinds[i] = INT;
                    type = ColumnType.INTEGER;
                }
                case Types.DECIMAL, Types.NUMERIC -> {
                    int p = md.getPrecision(c);
                    int s = md.getScale(c);
                    if (p <= 0 || p > 38 || s < 0 || s > p) {
                        p = 38;
                        s = 18;
                    }
                    kinds[i] = DECIMAL;
                    scales[i] = s;
                    type = ColumnType.decimal(p, s);
                }
                case Types.REAL -> {
                    kinds[i] = FLOAT;
                    type = ColumnType.FLOAT;
                }
                case Types.FLOAT, Types.DOUBLE -> {
                    kinds[i] = DOUBLE;
                    type = ColumnType.DOUBLE;
                }
                case Types.BIT, Types.BOOLEAN -> {
                    kinds[i] = BOOL;
                    type = ColumnType.BOOLEAN;
                }
                case Types.DATE -> {
                    kinds[i] = DATE;
                    type = ColumnType.DATE;
                }
                case Types.TIMESTAMP -> {
                    kinds[i] = TS;
                    type = ColumnType.TIMESTAMP;
                }
                case Types.TIMESTAMP_WITH_TIMEZONE -> {
                    kinds[i] = TSTZ;
                    type = ColumnType.TIMESTAMP;
                }
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
                    kinds[i] = BINARY;
                    type = ColumnType.BINARY;
                }
                default -> {
                    kinds[i] = STRING;
                    type = ColumnType.STRING;
                }
            }
            fields[i] = new Column(name, type, true);
        }
        this.schema = TableSchema.of(fields);
    }

    /**
     * Whether the column named {@code name} (case-insensitive) holds an instant (a zoned timestamp) rather than a
     * wall-clock time; false for an unknown name.
     */
    public boolean zoned(String name) {
        Column[] fields = schema.columns().toArray(new Column[0]);
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].name().equalsIgnoreCase(name)) {
                return zoned[i];
            }
        }
        return false;
    }

    /** The Delta schema of the result set (all columns nullable). */
    @Override
    public TableSchema schema() {
        return schema;
    }

    /**
     * Reads the current row into a new array of {@link ColumnTypes} value classes.
     *
     * @throws SQLException if the driver fails, or a decimal needs rounding to fit its scale
     */
    @Override
    public Object[] read(ResultSet rs) throws SQLException {
        Object[] row = new Object[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            int c = i + 1;
            Object v;
            switch (kinds[i]) {
                case LONG -> {
                    long l = rs.getLong(c);
                    v = rs.wasNull() ? null : l;
                }
                case INT -> {
                    int n = rs.getInt(c);
                    v = rs.wasNull() ? null : n;
                }
                case DECIMAL -> {
                    java.math.BigDecimal d = rs.getBigDecimal(c);
                    try {
                        v = d == null ? null : d.setScale(scales[i]);
                    } catch (ArithmeticException e) {
                        throw new SQLException("column " + schema.column(i).name() + ": " + d
                                + " needs rounding to fit scale " + scales[i]);
                    }
                }
                case FLOAT -> {
                    float f = rs.getFloat(c);
                    v = rs.wasNull() ? null : f;
                }
                case DOUBLE -> {
                    double d = rs.getDouble(c);
                    v = rs.wasNull() ? null : d;
                }
                case BOOL -> {
                    boolean b = rs.getBoolean(c);
                    v = rs.wasNull() ? null : b;
                }
                case DATE -> v = rs.getObject(c, LocalDate.class);
                case TS -> {
                    LocalDateTime t = rs.getObject(c, LocalDateTime.class);
                    v = t == null ? null : ColumnTypes.instantOf(t);
                }
                case TSTZ -> {
                    OffsetDateTime t = rs.getObject(c, OffsetDateTime.class);
                    v = t == null ? null : t.toInstant();
                }
                case BINARY -> v = rs.getBytes(c);
                default -> v = rs.getString(c);
            }
            row[i] = v;
        }
        return row;
    }
}
