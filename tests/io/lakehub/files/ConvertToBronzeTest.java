package io.lakehub.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.files.FilesProperties;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowReader;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Step 1 on the real IMDB samples (tests/resources/imdb): every line becomes one bronze row with the
 * header's columns, {@code \N} is null, stray quotes stay as they are; malformed files fail with the
 * reason and line, and leave no Parquet file behind.
 */
class ConvertToBronzeTest {

    static final Configuration CONF = LakeStorage.hadoopConfiguration();
    static final long ROW_GROUP = 8L * 1024 * 1024;

    @TempDir
    Path dir;

    static Path sample(String relative) {
        return Path.of("tests/resources/imdb", relative);
    }

    /** The lines of a sample after its header, read without any CSV library: the expected bronze rows. */
    static List<String[]> lines(Path file) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line.split("\t", -1));
            }
        }
        return out;
    }

    static List<Object[]> readBronze(org.apache.hadoop.fs.Path file, List<String> header) throws IOException {
        Column[] fields = header.stream().map(h -> new Column(h, ColumnType.STRING, true)).toArray(Column[]::new);
        List<Object[]> rows = new ArrayList<>();
        try (ParquetRowReader reader = new ParquetRowReader(file, CONF, TableSchema.of(fields))) {
            Object[] row;
            while ((row = reader.next()) != null) {
                rows.add(row);
            }
        }
        return rows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump2025/title.basics.tsv.gz", "dump2025/title.crew.tsv.gz", "dump2025/title.ratings.tsv.gz",
            "dump2025/name.basics.tsv.gz", "tt98/title.basics.tsv.gz", "tt98/name.basics.tsv.gz",
            "tt98/title.principals.tsv.gz", "akas2022/title.akas.tsv.gz", "simpsons/title.episode.tsv"})
    void everyLineIsOneBronzeRowWithNullForBackslashN(String relative) throws IOException {
        Path source = sample(relative);
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("out.parquet").toUri());
        ConvertToBronze.Result result = ConvertToBronze.convert(source, source.getFileName().toString(), null, target, CONF, ROW_GROUP);

        List<String[]> expected = lines(source);
        assertThat(result.rows()).isEqualTo(expected.size());
        List<Object[]> rows = readBronze(target, result.header());
        assertThat(rows).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            String[] want = expected.get(i);
            Object[] got = rows.get(i);
            for (int c = 0; c < want.length; c++) {
                assertThat(got[c]).as("%s line %d column %s", relative, i + 2, result.header().get(c))
                        .isEqualTo("\\N".equals(want[c]) ? null : want[c]);
            }
        }
    }

    @Test
    void strayQuotesAreOrdinaryCharacters() throws IOException {
        Path source = sample("tt98/name.basics.tsv.gz");
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("names.parquet").toUri());
        ConvertToBronze.Result r = ConvertToBronze.convert(source, "name.basics.tsv.gz", null, target, CONF, ROW_GROUP);
        Map<Object, Object[]> byId = new HashMap<>();
        readBronze(target, r.header()).forEach(row -> byId.put(row[0], row));
        assertThat(byId.get("nm5533924")[1]).isEqualTo("Stephen \"Dr\" Love");
        assertThat(byId.get("nm5533924")[2]).isNull();

        Path akas = sample("akas2022/title.akas.tsv.gz");
        org.apache.hadoop.fs.Path akasOut = new org.apache.hadoop.fs.Path(dir.resolve("akas.parquet").toUri());
        ConvertToBronze.Result ra = ConvertToBronze.convert(akas, "title.akas.tsv.gz", null, akasOut, CONF, ROW_GROUP);
        List<Object[]> rows = readBronze(akasOut, ra.header());
        assertThat(rows.get(1465)[2]).isEqualTo("He Returns\" or \"Volvió");
        assertThat(rows.get(1465)[3]).isEqualTo("CA");
    }

    @Test
    void truncatedGzipIsMalformedAndLeavesNoFile() throws IOException {
        byte[] whole = Files.readAllBytes(sample("dump2025/title.basics.tsv.gz"));
        Path cut = dir.resolve("title.basics.tsv.gz");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("cut.parquet").toUri());
        assertThatThrownBy(() -> ConvertToBronze.convert(cut, "title.basics.tsv.gz", null, target, CONF, ROW_GROUP))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("truncated gzip")
                .satisfies(e -> assertThat(((MalformedFileException) e).line()).isGreaterThan(1));
        assertThat(Files.exists(dir.resolve("cut.parquet"))).isFalse();
    }

    @Test
    void wrongColumnCountNamesTheLine() throws IOException {
        List<String> text = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(sample("dump2025/title.basics.tsv.gz"))), StandardCharsets.UTF_8))) {
            r.lines().forEach(text::add);
        }
        // line 1234 of the file loses its last value (genres), as a cut-off or hand-edited dump would
        String line = text.get(1233);
        text.set(1233, line.substring(0, line.lastIndexOf('\t')));
        Path bad = dir.resolve("title.basics.tsv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bad))) {
            out.write((String.join("\n", text) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("bad.parquet").toUri());
        assertThatThrownBy(() -> ConvertToBronze.convert(bad, "title.basics.tsv.gz", null, target, CONF, ROW_GROUP))
                .isInstanceOf(MalformedFileException.class)
                .hasMessage("wrong column count: 8 values where the header has 9 (line 1234)");
        assertThat(Files.exists(dir.resolve("bad.parquet"))).isFalse();
    }

    @Test
    void headerMustHoldTheDeclaredColumnsAndTypedValuesMustParse() throws IOException {
        FilesProperties.FileKind kind = new FilesProperties.FileKind();
        kind.setName("title.ratings");
        kind.setTable("imdb_title_ratings");
        kind.setKey("tconst");
        kind.setColumns(List.of("tconst", "averageRating double", "numVotes int"));
        DeclaredSchema schema = new DeclaredSchema(kind);
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("r.parquet").toUri());

        Path renamed = dir.resolve("title.ratings.tsv");
        Files.writeString(renamed, "tconst\trating\tnumVotes\ntt0000001\t5.7\t2133\n");
        assertThatThrownBy(() -> ConvertToBronze.convert(renamed, "title.ratings.tsv", schema, target, CONF, ROW_GROUP))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageStartingWith("bad header: no column 'averageRating'")
                .hasMessageEndingWith("(line 1)");

        Path typed = dir.resolve("title.ratings.2.tsv");
        Files.writeString(typed, "tconst\taverageRating\tnumVotes\ntt0000001\t5.7\t2133\ntt0000002\t5.5\tmany\n");
        assertThatThrownBy(() -> ConvertToBronze.convert(typed, "title.ratings.tsv", schema, target, CONF, ROW_GROUP))
                .isInstanceOf(MalformedFileException.class)
                .hasMessage("column numVotes: 'many' is not an int (line 3)");

        Path empty = dir.resolve("empty.tsv");
        Files.writeString(empty, "");
        assertThatThrownBy(() -> ConvertToBronze.convert(empty, "title.ratings.tsv", schema, target, CONF, ROW_GROUP))
                .isInstanceOf(MalformedFileException.class)
                .hasMessage("bad header: the file is empty (line 1)");
        assertThat(Files.exists(dir.resolve("r.parquet"))).isFalse();
    }

    @Test
    void csvHonoursQuotes() throws IOException {
        Path csv = dir.resolve("complaints.csv");
        Files.writeString(csv, "company,recovery\n\"Anthem Health Plans, Inc\",0\n\"Say \"\"hi\"\"\",12.5\n");
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("c.parquet").toUri());
        ConvertToBronze.Result r = ConvertToBronze.convert(csv, "complaints.csv", null, target, CONF, ROW_GROUP);
        List<Object[]> rows = readBronze(target, r.header());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsExactly("Anthem Health Plans, Inc", "0");
        assertThat(rows.get(1)).containsExactly("Say \"hi\"", "12.5");
    }
}
