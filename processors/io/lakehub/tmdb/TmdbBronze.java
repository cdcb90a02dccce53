package io.lakehub.tmdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.lakehub.delta.LakeStorage;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The bronze layout of the tmdb-pull flow, under the lake root:
 * <pre>
 * bronze/tmdb/&lt;list&gt;/run_date=YYYY-MM-DD/run=&lt;runId&gt;/page-0001.json   raw response bodies, byte for byte
 * bronze/tmdb/&lt;list&gt;/run_date=YYYY-MM-DD/run=&lt;runId&gt;/_SUCCESS         the list's manifest, written after its last page
 * bronze/tmdb/_runs/run=&lt;runId&gt;.json                                    the run's manifest, written after every list's
 * </pre>
 * Every file is written under a hidden temporary name ({@code .<name>.<uuid>.tmp}, which Spark and
 * Hadoop input formats skip) and renamed, so a reader never sees half a page; a page whose final
 * name exists is complete. Thread-safe.
 */
public final class TmdbBronze {

    /** The folder of a run's manifests. */
    public static final String RUNS = "bronze/tmdb/_runs";

    private final LakeStorage lake;

    public TmdbBronze(LakeStorage lake) {
        this.lake = lake;
    }

    /** {@code bronze/tmdb/<list>/run_date=<date>/run=<runId>}, relative to the lake root. */
    public static String listFolder(String list, LocalDate runDate, String runId) {
        return "bronze/tmdb/" + list + "/run_date=" + runDate + "/run=" + runId;
    }

    /** {@code page-0001.json}: four digits cover the API's 500-page cap and sort by name. */
    public static String pageName(int page) {
        return String.format("page-%04d.json", page);
    }

    /** The lake path of a page. */
    public Path page(String list, LocalDate runDate, String runId, int page) {
        return lake.path(listFolder(list, runDate, runId) + "/" + pageName(page));
    }

    /** The lake path of a list's completion marker. */
    public Path listMarker(String list, LocalDate runDate, String runId) {
        return lake.path(listFolder(list, runDate, runId) + "/_SUCCESS");
    }

    /** {@code bronze/tmdb/movie_details/run_date=<date>/run=<runId>}, relative to the lake root. */
    public static String detailsFolder(LocalDate runDate, String runId) {
        return "bronze/tmdb/movie_details/run_date=" + runDate + "/run=" + runId;
    }

    /** The lake path of one movie's details, {@code .../movie-<id>.json}. */
    public Path detail(LocalDate runDate, String runId, long movieId) {
        return lake.path(detailsFolder(runDate, runId) + "/movie-" + movieId + ".json");
    }

    /** The lake path of the details' completion marker. */
    public Path detailsMarker(LocalDate runDate, String runId) {
        return lake.path(detailsFolder(runDate, runId) + "/_SUCCESS");
    }

    /** The movie detail files of a run, by name. @throws IOException when the lake cannot be listed */
    public List<Path> detailFiles(LocalDate runDate, String runId) throws IOException {
        Path folder = lake.path(detailsFolder(runDate, runId));
        List<Path> out = new ArrayList<>();
        FileSystem fs = fs(folder);
        if (fs.exists(folder)) {
            for (FileStatus f : fs.listStatus(folder)) {
                String n = f.getPath().getName();
                if (n.startsWith("movie-") && n.endsWith(".json")) {
                    out.add(f.getPath());
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Path::getName));
        return out;
    }

    /** The lake path of a run's manifest. */
    public Path runManifest(String runId) {
        return lake.path(RUNS + "/run=" + runId + ".json");
    }

    /** Whether {@code path} exists. @throws IOException when the lake cannot be reached */
    public boolean exists(Path path) throws IOException {
        return fs(path).exists(path);
    }

    /** The whole file. @throws IOException when it cannot be read */
    public byte[] read(Path path) throws IOException {
        try (InputStream in = fs(path).open(path)) {
            return in.readAllBytes();
        }
    }

    /**
     * Writes {@code bytes} to a hidden temporary file beside {@code target} and renames it to
     * {@code target}. If {@code target} already exists (a concurrent run landed it first), the
     * temporary file is removed and the existing one kept.
     *
     * @return whether this call created {@code target}
     * @throws IOException when the write or the rename fails for another reason
     */
    public boolean writeAtomically(Path target, byte[] bytes) throws IOException {
        FileSystem fs = fs(target);
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try (OutputStream out = fs.create(tmp, false)) {
            out.write(bytes);
        }
        if (fs.exists(target)) {
            fs.delete(tmp, false);
            return false;
        }
        boolean renamed;
        try {
            renamed = fs.rename(tmp, target);
        } catch (IOException e) {
            fs.delete(tmp, false);
            throw e;
        }
        if (!renamed) {
            fs.delete(tmp, false);
            if (!fs.exists(target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        }
        return renamed;
    }

    /**
     * The run date of an existing run: from its manifest or from its list folders.
     *
     * @return the date, or null when nothing of that run is in bronze
     */
    public LocalDate runDateOf(String runId) throws IOException {
        Path pattern = lake.path("bronze/tmdb/*/run_date=*/run=" + runId);
        FileStatus[] found = fs(pattern).globStatus(pattern);
        if (found == null) {
            return null;
        }
        for (FileStatus f : found) {
            String dateFolder = f.getPath().getParent().getName();
            if (dateFolder.startsWith("run_date=")) {
                return LocalDate.parse(dateFolder.substring("run_date=".length()));
            }
        }
        return null;
    }

    /** Run ids with a manifest (complete runs). @throws IOException when the lake cannot be listed */
    public List<String> completeRuns() throws IOException {
        Path folder = lake.path(RUNS);
        List<String> out = new ArrayList<>();
        FileSystem fs = fs(folder);
        if (!fs.exists(folder)) {
            return out;
        }
        for (FileStatus f : fs.listStatus(folder)) {
            String n = f.getPath().getName();
            if (n.startsWith("run=") && n.endsWith(".json")) {
                out.add(n.substring("run=".length(), n.length() - ".json".length()));
            }
        }
        return out;
    }

    private FileSystem fs(Path p) throws IOException {
        return p.getFileSystem(lake.conf());
    }
}
