package io.lakehub.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record readers and the bad-record threshold, as plain JUnit: a CSV record with broken quoting is
 * rejected alone with its line and the next record is read from its own line (a quoted value spanning
 * lines counts its lines); JSON lines with broken JSON are bad at their line; an array document is read
 * element by element; a fraction threshold is checked at the end of the file.
 */
class RecordReadersTest {

    @TempDir
    Path dir;

    static ByteArrayInputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    static List<SourceRecord> all(RecordReader r) throws IOException {
        List<SourceRecord> out = new ArrayList<>();
        SourceRecord x;
        while ((x = r.next()) != null) {
            out.add(x);
        }
        return out;
    }

    @Test
    void csvBrokenQuotingIsOneBadRecordAndTheNextIsReadFromItsLine() throws IOException {
        String csv = "company,recovery\r\n\"Anthem, Inc\",0\r\nSay \"hi\",1\r\n\"two\nlines\",2\r\n\"closed\"x,3\r\nlast,4\r\n";
        try (DumpReader r = new DumpReader(bytes(csv), "complaints.csv")) {
            List<SourceRecord> recs = all(r);
            assertThat(recs).extracting(SourceRecord::position).containsExactly(2L, 3L, 4L, 6L, 7L);
            assertThat(recs.get(0).values()).containsExactly("Anthem, Inc", "0");
            assertThat(recs.get(1).error()).startsWith("broken quoting: a quote inside an unquoted value");
            assertThat(recs.get(1).text()).isEqualTo("Say \"hi\",1");
            assertThat(recs.get(2).values()).containsExactly("two\nlines", "2");
            assertThat(recs.get(3).error()).startsWith("broken quoting: a character after a closing quote");
            assertThat(recs.get(4).values()).containsExactly("last", "4");
        }
        try (DumpReader r = new DumpReader(bytes("a,b\n1,\"never closed\n2,3\n"), "x.csv")) {
            SourceRecord bad = all(r).get(0);
            assertThat(bad.error()).isEqualTo("unterminated quoted value: the file ends inside it");
            assertThat(bad.position()).isEqualTo(2);
        }
    }

    @Test
    void jsonLinesWithBrokenJsonAreBadAtTheirLine() throws IOException {
        String jsonl = "{\"id\":1}\n\n{\"id\":2,\n[1,2]\n{\"id\":3} trailing\n{\"id\":4}\n";
        try (JsonRecordReader r = new JsonRecordReader(bytes(jsonl), "users.jsonl")) {
            List<SourceRecord> recs = all(r);
            assertThat(recs).extracting(SourceRecord::position).containsExactly(1L, 3L, 4L, 5L, 6L);
            assertThat(recs.get(0).values()).containsExactly("{\"id\":1}");
            assertThat(recs.get(1).error()).startsWith("not valid JSON");
            assertThat(recs.get(1).text()).isEqualTo("{\"id\":2,");
            assertThat(recs.get(2).error()).isEqualTo("not a JSON object: a array");
            assertThat(recs.get(3).error()).startsWith("not valid JSON");
            assertThat(recs.get(4).error()).isNull();
        }
    }

    @Test
    void aJsonArrayDocumentIsReadElementByElement() throws IOException {
        try (JsonRecordReader r = new JsonRecordReader(bytes("[{\"id\":1},\n 7, {\"id\":2, \"a\":{\"b\":[1]}}]"), "p.json")) {
            List<SourceRecord> recs = all(r);
            assertThat(recs).extracting(SourceRecord::position).containsExactly(1L, 2L, 3L);
            assertThat(recs.get(1).error()).isEqualTo("not a JSON object: array element 2 is a number");
            assertThat(recs.get(2).values()[0]).isEqualTo("{\"id\":2,\"a\":{\"b\":[1]}}");
        }
        try (JsonRecordReader r = new JsonRecordReader(bytes("\uFEFF{\"id\":5}"), "bom.json")) {
            assertThat(r.next().values()).containsExactly("{\"id\":5}");
            assertThat(r.next()).isNull();
        }
        try (DumpReader r = new DumpReader(bytes("\uFEFFcompany,recovery\nA,1\n"), "bom.csv")) {
            assertThat(r.header()).containsExactly("company", "recovery");
        }
        try (JsonRecordReader r = new JsonRecordReader(bytes("[{\"id\":1}, {\"id\":"), "p.json")) {
            assertThat(r.next()).isNotNull();
            assertThatThrownBy(r::next).isInstanceOf(MalformedFileException.class).hasMessageStartingWith("not valid JSON");
        }
    }

    @Test
    void aFractionThresholdIsCheckedAgainstTheRecordsRead() throws IOException {
        assertThat(BadRowLimit.parse("0.01", "k")).isEqualTo(new BadRowLimit(-1, 0.01));
        assertThat(BadRowLimit.parse("2%", "k").fraction()).isEqualTo(0.02);
        assertThat(BadRowLimit.parse("100", "k").count()).isEqualTo(100);
        assertThatThrownBy(() -> BadRowLimit.parse("many", "lakehub.files.max-bad-rows"))
                .hasMessageContaining("lakehub.files.max-bad-rows must be a count");
        StringBuilder tsv = new StringBuilder("a\tb\n");
        for (int i = 0; i < 1000; i++) {
            tsv.append(i % 100 == 0 ? "only-one\n" : i + "\tx\n");
        }
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path rejectsFile = new org.apache.hadoop.fs.Path(dir.resolve("r.jsonl").toUri());
        // 10 bad of 1000 is 1 %: within 0.01, above 0.005
        ConvertToBronze.Tally within = new ConvertToBronze.Tally(BadRowLimit.parse("0.01", "k"),
                new RowRejects(new org.apache.hadoop.fs.Path(dir.resolve("s1.jsonl").toUri()), rejectsFile, conf, "f.tsv", "f", "run"));
        ConvertToBronze.Result r = ConvertToBronze.convert(bytes(tsv.toString()), "f.tsv", null, null,
                new org.apache.hadoop.fs.Path(dir.resolve("a.parquet").toUri()), conf, 1 << 20, within);
        assertThat(r.read()).isEqualTo(1000);
        assertThat(r.rejected()).isEqualTo(10);
        assertThat(r.rows()).isEqualTo(990);
        assertThat(within.limit.exceeded(within.rejected, within.read)).isFalse();
        assertThat(BadRowLimit.parse("0.005", "k").exceeded(within.rejected, within.read)).isTrue();
    }
}
