package io.lakehub.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The rows of several Parquet files, read one file after the other with {@link ParquetRowReader}: one
 * reader open at a time, so memory is bounded by one row group. Rows are {@code Object[]} in the order
 * of {@code schema}'s fields. Close it to release the open file. Not thread-safe.
 *
 * @throws UncheckedIOException from {@link #hasNext()} when a file cannot be read (the file is named)
 */
public final class ParquetFilesRows implements Iterator<Object[]>, AutoCloseable {

    private final Iterator<Path> files;
    private final Configuration conf;
    private final TableSchema schema;
    private ParquetRowReader reader;
    private Path current;
    private Object[] next;

    /**
     * @param files  the files, in reading order
     * @param conf   Hadoop configuration of their file system ({@link LakeStorage#conf()} for the lake)
     * @param schema the columns to read
     */
    public ParquetFilesRows(Iterator<Path> files, Configuration conf, TableSchema schema) {
        this.files = files;
        this.conf = conf;
        this.schema = schema;
    }

    @Override
    public boolean hasNext() {
        try {
            while (next == null) {
                if (reader != null) {
                    next = reader.next();
                    if (next != null) {
                        break;
                    }
                    reader.close();
                    reader = null;
                }
                if (!files.hasNext()) {
                    return false;
                }
                current = files.next();
                reader = new ParquetRowReader(current, conf, schema);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + current + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Object[] next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Object[] row = next;
        next = null;
        return row;
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
