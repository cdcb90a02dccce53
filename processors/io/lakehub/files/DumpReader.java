package io.lakehub.files;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a landed text file record by record, streaming: header first, then one {@link SourceRecord} per
 * line (per record for a CSV value that spans lines), each with its 1-based line and its original text.
 *
 * <p>Formats, by file name: {@code .tsv}, {@code .txt} (optionally {@code .gz}): IMDB's TSV, as its
 * dataset page (developer.imdb.com/non-commercial-datasets) defines it: UTF-8, tab-separated, first line
 * the header, {@code \N} for null, and no quoting or escaping; a {@code "} is an ordinary character (a
 * title such as {@code Stephen "Dr" Love}, a characters value {@code ["Self"]}), so a line is split on
 * its tabs and nothing else. {@code .csv} (optionally {@code .gz}): RFC 4180, comma-separated with
 * {@code "} quoting; values are kept as they are (an empty value stays empty). A CSV record's end is found
 * here (a line break outside a quoted value, RFC 4180 section 2.6), so a broken record is rejected alone
 * and the next one is read from its own first line; its values are then parsed by Apache Commons CSV, the
 * hub's CSV library. Line breaks are LF, CRLF or CR, as Commons CSV reads them.
 *
 * <p>Row-level problems are returned as a record with {@link SourceRecord#error()} set, never thrown, so
 * the caller decides between rejecting the row and the whole file ({@code max-bad-rows}): a line whose
 * number of values differs from the header's, a CSV record with a quote where RFC 4180 allows none
 * (inside an unquoted value, or after a closing quote before the delimiter), an unterminated quoted value
 * (at the end of the file, or longer than {@value #MAX_RECORD_CHARS} characters).
 *
 * <p>Memory is bounded by one record. Errors that retrying cannot fix and that end the file are
 * {@link MalformedFileException}s naming the line: a truncated or corrupt gzip stream (the last complete
 * line before it), bytes that are not UTF-8 (the line of the first bad byte), both counted from the
 * line feeds really decoded; an empty or bad header (blank or repeated names). Not thread-safe.
 */
public final class DumpReader implements RecordReader {

    /** Format of a landed file (or zip entry). */
    public enum Format { TSV, CSV, JSONL, JSON }

    static final int BUFFER = 1 << 16;

    /** U+FEFF, the byte order mark some tools write at the start of UTF-8 text. */
    static final String BOM = "\uFEFF";

    /** Longest CSV record (characters); a quoted value running past it is rejected as unterminated. */
    public static final int MAX_RECORD_CHARS = 8 << 20;

    private static final CSVFormat CSV_FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();

    private final Format format;
    private final Reader in;
    private final char[] buf = new char[BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private final StringBuilder text = new StringBuilder();
    private final List<String> header;
    /** Physical lines consumed so far. */
    private long lines;
    private long line;

    /**
     * Opens {@code file} and reads its header.
     *
     * @param fileName the landed name, which gives the format and compression
     * @throws MalformedFileException   if the header is missing or bad, or the file is not readable as its format
     * @throws IllegalArgumentException if the name has no supported text extension
     * @throws IOException              if the file cannot be read
     */
    public DumpReader(Path file, String fileName) throws IOException {
        this(Files.newInputStream(file), fileName);
    }

    /**
     * Reads {@code source} (a local file's or a blob's stream, which this reader closes) and its header.
     *
     * @param fileName the landed name, which gives the format and compression
     * @throws MalformedFileException   if the header is missing or bad, or the file is not readable as its format
     * @throws IllegalArgumentException if the name is not a .tsv, .txt or .csv (optionally .gz)
     * @throws IOException              if the stream cannot be read
     */
    public DumpReader(InputStream source, String fileName) throws IOException {
        this(source, fileName, null);
    }

    /**
     * Reads {@code source} (closed by this reader) as {@code format}, or as its name gives when null; the
     * name still says whether it is gzip.
     *
     * @throws IllegalArgumentException if the format is not TSV or CSV
     */
    public DumpReader(InputStream source, String fileName, Format format) throws IOException {
        Format f;
        try {
            f = format != null ? format : formatOf(fileName);
            if (f != Format.TSV && f != Format.CSV) {
                throw new IllegalArgumentException("not a text file of values (.tsv, .txt, .csv): " + fileName);
            }
        } catch (IllegalArgumentException e) {
            source.close();
            throw e;
        }
        this.format = f;
        this.in = utf8(source, fileName);
        try {
            SourceRecord head = read();
            if (head == null) {
                throw new MalformedFileException("bad header: the file is empty", 1);
            }
            if (head.error() != null) {
                throw new MalformedFileException("bad header: " + head.error(), 1);
            }
            String[] names = head.values();
            if (names.length > 0 && names[0] != null && names[0].startsWith(BOM)) {
                // a byte order mark, as spreadsheet exports write it (RFC 3629 section 6): not part of the first name
                names[0] = names[0].substring(1);
            }
            this.header = List.of(checkHeader(names));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A strict UTF-8 reader over {@code source}, gunzipped when the name ends in {@code .gz}, that reports
     * stream-level failures as {@link MalformedFileException}s with their line (see {@link LineCountingUtf8Reader}).
     *
     * @throws MalformedFileException if a {@code .gz} stream does not start as gzip
     */
    static Reader utf8(InputStream source, String fileName) throws IOException {
        InputStream in = new BufferedInputStream(source, BUFFER);
        try {
            if (fileName.toLowerCase(Locale.ROOT).endsWith(".gz")) {
                in = new GZIPInputStream(in, BUFFER);
            }
        } catch (ZipException | EOFException e) {
            in.close();
            throw new MalformedFileException("not a gzip file: " + e.getMessage(), 0);
        }
        return new LineCountingUtf8Reader(in);
    }

    /**
     * The format of a file name: TSV for {@code .tsv}/{@code .txt}, CSV for {@code .csv}, JSONL for
     * {@code .jsonl}/{@code .ndjson}, JSON for {@code .json}, each optionally {@code .gz}.
     *
     * @throws IllegalArgumentException for another extension
     */
    public static Format formatOf(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        String base = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        if (base.endsWith(".tsv") || base.endsWith(".txt")) {
            return Format.TSV;
        } else if (base.endsWith(".csv")) {
            return Format.CSV;
        } else if (base.endsWith(".jsonl") || base.endsWith(".ndjson")) {
            return Format.JSONL;
        } else if (base.endsWith(".json")) {
            return Format.JSON;
        }
        throw new IllegalArgumentException("not a .tsv, .txt, .csv, .jsonl, .ndjson or .json file (optionally .gz): " + fileName);
    }

    /** The file name without its format and compression extensions, e.g. {@code title.basics}. */
    public static String baseName(String fileName) {
        String base = fileName.toLowerCase(Locale.ROOT).endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    private String[] checkHeader(String[] head) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < head.length; i++) {
            String h = head[i];
            if (h == null || h.isBlank()) {
                throw new MalformedFileException("bad header: column " + (i + 1) + " has no name", 1);
            }
            if (!seen.add(h.toLowerCase(Locale.ROOT))) {
                throw new MalformedFileException("bad header: column name '" + h + "' appears twice", 1);
            }
            if (h.chars().anyMatch(c -> c < 0x20)) {
                throw new MalformedFileException("bad header: column " + (i + 1) + " has a control character", 1);
            }
        }
        return head;
    }

    public Format format() {
        return format;
    }

    @Override
    public List<String> header() {
        return header;
    }

    @Override
    public String unit() {
        return "line";
    }

    /** The 1-based line of the last record returned (the header is line 1). */
    public long line() {
        return line;
    }

    /**
     * The next record: one value per header column ({@code null} for {@code \N} in TSV), or a record with
     * its error (see the class comment); null at the end.
     *
     * @throws MalformedFileException if the stream is truncated, corrupt or not UTF-8
     * @throws IOException            if the file cannot be read
     */
    @Override
    public SourceRecord next() throws IOException {
        SourceRecord r = read();
        if (r != null && r.error() == null && r.values().length != header.size()) {
            return SourceRecord.bad(line, r.text(), "wrong column count: " + r.values().length
                    + " values where the header has " + header.size());
        }
        return r;
    }

    private SourceRecord read() throws IOException {
        try {
            return format == Format.TSV ? readTsv() : readCsv();
        } catch (BrokenStreamException broken) {
            throw new MalformedFileException(broken.getMessage(), broken.line);
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** Consumes one line terminator (LF, CRLF or CR) whose first char {@code c} was just read. */
    private void endOfLine(char c) throws IOException {
        lines++;
        if (c == '\r' && (pos < limit || fill()) && buf[pos] == '\n') {
            pos++;
        }
    }

    private SourceRecord readTsv() throws IOException {
        text.setLength(0);
        if (pos >= limit && !fill()) {
            return null;
        }
        line = lines + 1;
        while (true) {
            if (pos >= limit && !fill()) {
                lines++;
                break;
            }
            char c = buf[pos++];
            if (c == '\n' || c == '\r') {
                endOfLine(c);
                break;
            }
            text.append(c);
        }
        String raw = text.toString();
        List<String> values = new ArrayList<>();
        int start = 0;
        while (true) {
            int tab = raw.indexOf('\t', start);
            String v = raw.substring(start, tab < 0 ? raw.length() : tab);
            values.add("\\N".equals(v) ? null : v);
            if (tab < 0) {
                break;
            }
            start = tab + 1;
        }
        return SourceRecord.of(line, raw, values.toArray(String[]::new));
    }

    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_IN_QUOTED = 3;

    private SourceRecord readCsv() throws IOException {
        text.setLength(0);
        if (pos >= limit && !fill()) {
            return null;
        }
        line = lines + 1;
        int state = FIELD_START;
        String broken = null;
        while (true) {
            if (pos >= limit && !fill()) {
                if (state == QUOTED) {
                    return SourceRecord.bad(line, text.toString(), "unterminated quoted value: the file ends inside it");
                }
                lines++;
                break;
            }
            char c = buf[pos++];
            if ((c == '\n' || c == '\r') && state != QUOTED) {
                endOfLine(c);
                break;
            }
            if (c == '\n' || (c == '\r' && !((pos < limit || fill()) && buf[pos] == '\n'))) {
                lines++;
            }
            text.append(c);
            if (text.length() > MAX_RECORD_CHARS) {
                return SourceRecord.bad(line, text.substring(0, 4096), "unterminated quoted value: longer than "
                        + MAX_RECORD_CHARS + " characters");
            }
            switch (state) {
                case FIELD_START -> state = c == '"' ? QUOTED : c == ',' ? FIELD_START : UNQUOTED;
                case UNQUOTED -> {
                    if (c == ',') {
                        state = FIELD_START;
                    } else if (c == '"' && broken == null) {
                        broken = "broken quoting: a quote inside an unquoted value (RFC 4180: a value with quotes must be quoted"
                                + " and its quotes doubled) at character " + text.length();
                    }
                }
                case QUOTED -> state = c == '"' ? QUOTE_IN_QUOTED : QUOTED;
                default -> {
                    if (c == '"') {
                        state = QUOTED;
                    } else if (c == ',') {
                        state = FIELD_START;
                    } else {
                        state = UNQUOTED;
                        if (broken == null) {
                            broken = "broken quoting: a character after a closing quote, before the delimiter, at character "
                                    + text.length();
                        }
                    }
                }
            }
        }
        String raw = text.toString();
        if (broken != null) {
            return SourceRecord.bad(line, raw, broken);
        }
        if (raw.isEmpty()) {
            return SourceRecord.of(line, raw, new String[] {""});
        }
        try (CSVParser p = CSV_FORMAT.parse(new StringReader(raw))) {
            List<CSVRecord> records = p.getRecords();
            if (records.size() != 1) {
                return SourceRecord.bad(line, raw, "not one CSV record: " + records.size());
            }
            return SourceRecord.of(line, raw, records.get(0).values());
        } catch (CSVException | UncheckedIOException e) {
            return SourceRecord.bad(line, raw, "not valid CSV: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** A stream-level failure below the parser, with the line it is reported at. */
    static final class BrokenStreamException extends IOException {
        final long line;

        BrokenStreamException(String message, long line, Throwable cause) {
            super(message, cause);
            this.line = line;
        }
    }

    /**
     * Decodes UTF-8 strictly (a malformed byte is an error, never a replacement character) and counts
     * the line feeds of the bytes it has decoded, so a stream-level failure names the line where it
     * happened, not the line the parser had returned last (the parser reads ahead by a buffer, up to
     * thousands of lines). UTF-8 never has byte 0x0A inside a multi-byte sequence (RFC 3629, section 3),
     * so counting that byte counts lines. The parser reads from here through its own buffer and asks
     * for more only once it consumed every char already given, so when reading fails every line before
     * has been parsed.
     *
     * <p>Failures, as {@link BrokenStreamException}: bytes that are not UTF-8 at the line of the first
     * bad byte (line feeds before it + 1); a truncated ({@link EOFException}) or corrupt
     * ({@link ZipException}) gzip stream at the last complete line decoded (the line feeds before the
     * failure; 0 when it fails inside the header).
     */
    private static final class LineCountingUtf8Reader extends Reader {
        private final InputStream in;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
        /** The second char of a surrogate pair a one-char read could not take. */
        private final CharBuffer spill = CharBuffer.allocate(2);
        private long lineFeeds;
        private boolean eof;

        LineCountingUtf8Reader(InputStream in) {
            this.in = in;
            bytes.flip();
            spill.flip();
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (spill.hasRemaining()) {
                cbuf[off] = spill.get();
                return 1;
            }
            CharBuffer out = CharBuffer.wrap(cbuf, off, len);
            while (true) {
                int start = bytes.position();
                CoderResult r = decoder.decode(bytes, out, eof);
                count(start, bytes.position());
                if (r.isError()) {
                    throw new BrokenStreamException("not UTF-8 text: " + (r.isMalformed() ? "malformed" : "unmappable")
                            + " input of " + r.length() + " byte(s)", lineFeeds + 1, null);
                }
                int produced = out.position() - off;
                if (produced > 0) {
                    return produced;
                }
                if (r.isOverflow()) {
                    // a surrogate pair for a one-char read: decode it aside and hand out its halves
                    spill.clear();
                    int s = bytes.position();
                    CoderResult again = decoder.decode(bytes, spill, eof);
                    count(s, bytes.position());
                    spill.flip();
                    if (again.isError() || !spill.hasRemaining()) {
                        throw new BrokenStreamException("not UTF-8 text", lineFeeds + 1, null);
                    }
                    cbuf[off] = spill.get();
                    return 1;
                }
                if (eof) {
                    decoder.flush(out);
                    return out.position() > off ? out.position() - off : -1;
                }
                fill();
            }
        }

        private void fill() throws IOException {
            bytes.compact();
            try {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
            } catch (EOFException e) {
                throw new BrokenStreamException("truncated gzip: the compressed stream ends after this line, inside the data ("
                        + e.getMessage() + ")", lineFeeds, e);
            } catch (ZipException e) {
                throw new BrokenStreamException("corrupt gzip: " + e.getMessage(), lineFeeds, e);
            } finally {
                bytes.flip();
            }
        }

        private void count(int from, int to) {
            byte[] a = bytes.array();
            for (int i = from; i < to; i++) {
                if (a[i] == '\n') {
                    lineFeeds++;
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
