package io.lakehub.files;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Reads one landed file (or zip entry) record by record, streaming; memory is bounded by one record.
 * {@link DumpReader} reads TSV and CSV, {@link JsonRecordReader} JSON lines and JSON documents.
 *
 * <p>A record that cannot be read is returned with its error ({@link SourceRecord#error()}) so the
 * caller can reject it alone; a failure that ends the file (a cut gzip, bytes that are not UTF-8, JSON
 * that cannot be resynchronised) is thrown as a {@link MalformedFileException}. Not thread-safe.
 */
public interface RecordReader extends Closeable {

    /** The bronze columns, in order: a text file's header, or {@value JsonRecordReader#VALUE} for JSON. */
    List<String> header();

    /** What {@link SourceRecord#position()} counts: {@code line} or {@code record}. */
    String unit();

    /**
     * The next record, or null at the end.
     *
     * @throws MalformedFileException if the file cannot be read further
     * @throws IOException            on a storage failure
     */
    SourceRecord next() throws IOException;
}
