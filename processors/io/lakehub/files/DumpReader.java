package io.lakehub.files;

import java.io.BufferedInputStream;
import java.io.Closeable;
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
import java.util.HashSet;
import java.util.Iterator;
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
 * Reads a landed text file line by line, streaming: header first, then rows of exactly as many values.
 *
 * <p>Formats, by file name: {@code .tsv}, {@code .txt} (optionally {@code .gz}): IMDB's TSV, as its
 * dataset page (developer.imdb.com/non-commercial-datasets) defines it: UTF-8, tab-separated, first line
 * the header, {@code \N} for null, and no quoting or escaping; a {@code "} is an ordinary character (a
 * title such as {@code Stephen "Dr" Love}, a characters value {@code ["Self"]}), so quoting is
 * disabled. {@code .csv} (optionally {@code .gz}): RFC 4180, comma-separated with {@code "} quoting;
 * values are kept as they are (an empty value stays empty). Both are parsed by Apache Commons CSV, which
 * counts lines across quoted line breaks and is already the hub's CSV library.
 *
 * <p>Memory is bounded by one line. Errors that retrying cannot fix are {@link MalformedFileException}s
 * naming the line: a truncated or corrupt gzip stream (the last complete line before it), bytes that are
 * not UTF-8 (the line of the first bad byte), both counted below the parser by the line feeds really
 * decoded rather than from the parser's record count, which lags its read-ahead; an empty or bad header
 * (blank or repeated names), a line whose number of values differs from the header's. Not thread-safe.
 */
public final class DumpReader implements Closeable {

    /** Text format of a landed file. */
    public enum Format { TSV, CSV }

    private static final int BUFFER = 1 << 16;

    private final Format format;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> header;
    private long line;

    /**
     * Opens {@code file} and reads its header.
     *
     * @param fileName the landed name, which gives the format and compression
     * @throws MalformedFileException   if the header is missing or bad, or the file is not readable as its format
     * @throws IllegalArgumentException if the name has no supported extension
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
     * @throws IllegalArgumentException if the name has no supported extension
     * @throws IOException              if the stream cannot be read
     */
    public DumpReader(InputStream source, String fileName) throws IOException {
        String name = fileName.toLowerCase(Locale.ROOT);
        boolean gzip = name.endsWith(".gz");
        Format f;
        try {
            f = formatOf(fileName);
        } catch (IllegalArgumentException e) {
            source.close();
            throw e;
        }
        this.format = f;
        InputStream in = new BufferedInputStream(source, BUFFER);
        try {
            if (gzip) {
                in = new GZIPInputStream(in, BUFFER);
            }
        } catch (ZipException | EOFException e) {
            in.close();
            throw new MalformedFileException("not a gzip file: " + e.getMessage(), 0);
        }
        Reader reader = new LineCountingUtf8Reader(in);
        CSVFormat csv = format == Format.TSV
                ? CSVFormat.Builder.create().setDelimiter('\t').setQuote(null).setEscape(null).setNullString("\\N")
                        .setIgnoreEmptyLines(false).setIgnoreSurroundingSpaces(false).setTrim(false).setRecordSeparator('\n').get()
                : CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();
        this.parser = csv.parse(reader);
        this.records = parser.iterator();
        try {
            String[] head = read();
            if (head == null) {
                throw new MalformedFileException("bad header: the file is empty", 1);
            }
            this.header = List.of(checkHeader(head));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The format of a file name: TSV for {@code .tsv}/{@code .txt}, CSV for {@code .csv}, each optionally {@code .gz}.
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
        }
        throw new IllegalArgumentException("not a .tsv, .txt or .csv file (optionally .gz): " + fileName);
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

    /** The header's column names, in file order. */
    public List<String> header() {
        return header;
    }

    /** The 1-based line of the last row returned (the header is line 1). */
    public long line() {
        return line;
    }

    /**
     * The next row, one value per header column ({@code null} for {@code \N} in TSV), or null at the end.
     *
     * @throws MalformedFileException if the row has another number of values than the header, or the
     *                                stream is truncated, corrupt or not UTF-8
     * @throws IOException            if the file cannot be read
     */
    public String[] next() throws IOException {
        String[] values = read();
        if (values != null && values.length != header.size()) {
            throw new MalformedFileException("wrong column count: " + values.length + " values where the header has "
                    + header.size(), line);
        }
        return values;
    }

    private String[] read() throws IOException {
        try {
            if (!records.hasNext()) {
                return null;
            }
            CSVRecord r = records.next();
            line = parser.getCurrentLineNumber();
            return r.values();
        } catch (UncheckedIOException e) {
            throw translate(e.getCause());
        }
    }

    private IOException translate(IOException cause) {
        long at = line + 1;
        if (cause instanceof BrokenStreamException broken) {
            throw new MalformedFileException(broken.getMessage(), broken.line);
        } else if (cause instanceof CSVException) {
            throw new MalformedFileException("not valid " + format + ": " + cause.getMessage(), at);
        }
        return cause;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /** A stream-level failure below the parser, with the line it is reported at. */
    private static final class BrokenStreamException extends IOException {
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
