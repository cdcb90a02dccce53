package io.lakehub.files;

/**
 * One record of a landed file as a {@link RecordReader} read it: its values (in the reader's header
 * order) or the reason it cannot be read, its 1-based position in the file (the line for text and JSON
 * lines, the record number for a JSON document), and its original text (the line or lines, or the JSON
 * value), which a reject keeps in quarantine.
 *
 * @param position 1-based line (the header of a text file is line 1) or record number
 * @param text     the original text of the record
 * @param values   one value per header column (null for a null), or null when {@code error} is set
 * @param error    why the record cannot be read, or null
 */
public record SourceRecord(long position, String text, String[] values, String error) {

    /** A record that was read. */
    public static SourceRecord of(long position, String text, String[] values) {
        return new SourceRecord(position, text, values, null);
    }

    /** A record that cannot be read, for the reason given. */
    public static SourceRecord bad(long position, String text, String error) {
        return new SourceRecord(position, text, null, error);
    }
}
