package io.lakehub.files;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads JSON records of a landed file, streaming, one record (one JSON object) at a time; each becomes
 * one bronze row whose only column {@value #VALUE} is the record's JSON text.
 *
 * <ul>
 *   <li>JSON Lines ({@code .jsonl}, {@code .ndjson}, optionally {@code .gz}; jsonlines.org): one JSON value
 *       per line, UTF-8. A blank line holds no record and is skipped. A line that is not valid JSON, holds
 *       more than one value, or is not an object is a bad record at its line (the next line is read on),
 *       and its text is kept as it is. Position: the line.</li>
 *   <li>A JSON document ({@code .json}, optionally {@code .gz}; RFC 8259): one object, or an array of
 *       objects read element by element with Jackson's streaming parser, so a large array never sits in
 *       memory as one tree. An element that is not an object is a bad record; JSON that does not parse
 *       ends the file (a parser cannot find the next element after a syntax error), as a
 *       {@link MalformedFileException} at the line where it failed. Position: the record number (1-based).</li>
 * </ul>
 *
 * <p>Bytes that are not UTF-8 and a cut gzip end the file too (see {@link DumpReader#utf8}). Not thread-safe.
 */
public final class JsonRecordReader implements RecordReader {

    /** The bronze column holding a record's JSON text. */
    public static final String VALUE = "value";

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** For the elements of a document: each is one value among others, so trailing tokens are the rest of the array. */
    private static final ObjectMapper STREAM = new ObjectMapper();

    private final boolean lines;
    private final BufferedReader lineReader;
    private final JsonParser parser;
    private boolean array;
    private boolean done;
    private long position;
    private long line;

    /**
     * Reads {@code source} (closed by this reader) as the format its name gives.
     *
     * @throws MalformedFileException   for a document that is empty or not an object or array
     * @throws IllegalArgumentException if the name is not .jsonl, .ndjson or .json (optionally .gz)
     */
    public JsonRecordReader(InputStream source, String fileName) throws IOException {
        this(source, fileName, null);
    }

    /** Reads {@code source} as {@code format} (JSONL or JSON), or as its name gives when null. */
    public JsonRecordReader(InputStream source, String fileName, DumpReader.Format declared) throws IOException {
        DumpReader.Format format;
        try {
            format = declared != null ? declared : DumpReader.formatOf(fileName);
            if (format != DumpReader.Format.JSONL && format != DumpReader.Format.JSON) {
                throw new IllegalArgumentException("not a JSON file (.jsonl, .ndjson, .json): " + fileName);
            }
        } catch (IllegalArgumentException e) {
            source.close();
            throw e;
        }
        this.lines = format == DumpReader.Format.JSONL;
        java.io.Reader reader = DumpReader.utf8(source, fileName);
        if (lines) {
            this.lineReader = new BufferedReader(reader, DumpReader.BUFFER);
            this.parser = null;
            return;
        }
        this.lineReader = null;
        try {
            java.io.PushbackReader pushback = new java.io.PushbackReader(reader, 1);
            int c = pushback.read();
            if (c >= 0 && c != DumpReader.BOM.charAt(0)) {
                pushback.unread(c);
            }
            this.parser = STREAM.getFactory().createParser(pushback);
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MalformedFileException("empty file: no JSON document", 1);
            } else if (first == JsonToken.START_ARRAY) {
                array = true;
            } else if (first != JsonToken.START_OBJECT) {
                throw new MalformedFileException("not a JSON object or array of objects: the document is a " + first, 1);
            }
        } catch (JsonProcessingException e) {
            reader.close();
            throw malformed(e);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    @Override
    public List<String> header() {
        return List.of(VALUE);
    }

    @Override
    public String unit() {
        return lines ? "line" : "record";
    }

    @Override
    public SourceRecord next() throws IOException {
        try {
            return lines ? nextLine() : nextElement();
        } catch (DumpReader.BrokenStreamException broken) {
            throw new MalformedFileException(broken.getMessage(), broken.line);
        }
    }

    private SourceRecord nextLine() throws IOException {
        String text;
        while ((text = lineReader.readLine()) != null) {
            line++;
            if (line == 1 && text.startsWith(DumpReader.BOM)) {
                text = text.substring(1);
            }
            if (!text.isBlank()) {
                break;
            }
        }
        if (text == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isObject()) {
                return SourceRecord.bad(line, text, "not a JSON object: a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            return SourceRecord.of(line, text, new String[] {text});
        } catch (JsonProcessingException e) {
            return SourceRecord.bad(line, text, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private SourceRecord nextElement() throws IOException {
        if (done) {
            return null;
        }
        try {
            if (!array) {
                JsonNode node = parser.readValueAsTree();
                done = true;
                if (parser.nextToken() != null) {
                    throw new MalformedFileException("more than one JSON value in the document", parser.currentLocation().getLineNr());
                }
                position++;
                String text = JSON.writeValueAsString(node);
                return SourceRecord.of(position, text, new String[] {text});
            }
            JsonToken t = parser.nextToken();
            if (t == null) {
                throw new MalformedFileException("not valid JSON: the array is not closed", parser.currentLocation().getLineNr());
            }
            if (t == JsonToken.END_ARRAY) {
                done = true;
                if (parser.nextToken() != null) {
                    throw new MalformedFileException("more than one JSON value in the document", parser.currentLocation().getLineNr());
                }
                return null;
            }
            position++;
            JsonNode node = parser.readValueAsTree();
            String text = JSON.writeValueAsString(node);
            if (node == null || !node.isObject()) {
                return SourceRecord.bad(position, text, "not a JSON object: array element " + position + " is a "
                        + (node == null ? "null" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
            }
            return SourceRecord.of(position, text, new String[] {text});
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    private static MalformedFileException malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return new MalformedFileException("not valid JSON: " + e.getOriginalMessage(), at == null ? 0 : Math.max(at.getLineNr(), 0));
    }

    @Override
    public void close() throws IOException {
        if (lines) {
            lineReader.close();
        } else {
            parser.close();
        }
    }
}
