package io.lakehub.delta;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Removes the files a hub's failed attempts left behind and no commit can reference (issue 12, defect 10):
 * files under the lake's {@code _staging/} folders, and hub-written data files in a silver table folder
 * that no version of the table's log references. VACUUM would remove the latter only after its retention
 * (168 h by default); these are files that were never committed at all.
 *
 * <p><b>The safe rule.</b> A file is removed only when all of these hold:
 * <ol>
 *   <li>it is one the hub writes: a file inside a folder named {@code _staging} (below {@code bronze/},
 *   {@code quarantine/} or {@code _hub/}, at most four levels down), or a data file of a silver table
 *   named as {@link ParquetRowWriter} names them, {@code part-<uuid>.snappy.parquet} (in partition folders
 *   too). Files of other writers (Spark's {@code part-00000-<uuid>-c000.snappy.parquet}), {@code _delta_log/}
 *   and hidden files are never touched;</li>
 *   <li>for a data file, no version the log still holds references it: no {@code add} or {@code remove}
 *   action of any retained commit, and not in the latest snapshot (which covers checkpointed versions).
 *   A removed-but-retained file is VACUUM's, not this class's;</li>
 *   <li>it was last modified more than {@code minAge} ago. A concurrent writer (another hub instance) may
 *   still commit a file it has just written; the hub commits a load's files within the load itself
 *   (seconds to minutes, {@link DeltaTable#COMMIT_ATTEMPTS} attempts), so an age far above that
 *   ({@code lakehub.maintenance.orphan-files.min-age}, default 24 h) means no commit can still reference it.</li>
 * </ol>
 * If a table's log cannot be read, nothing of that table is removed (an orphan costs bytes, a removed
 * live file loses data). Stateless; thread-safe.
 */
public final class OrphanFiles {

    /** The names {@link ParquetRowWriter} gives data files. */
    static final Pattern HUB_DATA_FILE = Pattern.compile(
            "part-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.snappy\\.parquet");

    /** Folders below which {@code _staging/} folders are looked for. */
    static final List<String> STAGING_ROOTS = List.of("bronze", "quarantine", "_hub");

    private static final int STAGING_DEPTH = 4;

    private OrphanFiles() {
    }

    /**
     * What a clean-up removed.
     *
     * @param files the removed files, relative to the lake root
     * @param bytes their total size in bytes
     */
    public record Removed(List<String> files, long bytes) {
    }

    /**
     * Removes the files older than {@code minAge} inside the {@code _staging/} folders of the lake: the
     * temporary files of conversions, bronze and quarantine writes that a kill interrupted before their
     * rename (a 0-byte {@code bronze/files/<kind>/_staging/<run>.parquet}, for instance).
     *
     * @param minAge files modified more recently are kept (a running attempt may still rename them)
     * @throws IOException if the lake cannot be listed
     */
    public static Removed removeStaleStaging(LakeStorage lake, Duration minAge) throws IOException {
        long before = System.currentTimeMillis() - minAge.toMillis();
        List<String> removed = new ArrayList<>();
        long[] bytes = {0};
        for (String root : STAGING_ROOTS) {
            Path p = lake.path(root);
            FileSystem fs = p.getFileSystem(lake.conf());
            if (fs.exists(p)) {
                findStaging(fs, p, 0, before, lake, removed, bytes);
            }
        }
        return new Removed(removed, bytes[0]);
    }

    private static void findStaging(FileSystem fs, Path dir, int depth, long before, LakeStorage lake, List<String> removed,
                                    long[] bytes) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            if (!st.isDirectory()) {
                continue;
            }
            String name = st.getPath().getName();
            if ("_staging".equals(name)) {
                for (FileStatus f : fs.listStatus(st.getPath())) {
                    if (f.isFile() && f.getModificationTime() < before && fs.delete(f.getPath(), false)) {
                        removed.add(relative(lake, f.getPath()));
                        bytes[0] += f.getLen();
                    }
                }
            } else if (depth + 1 < STAGING_DEPTH && !name.contains("=") && !name.startsWith(".")) {
                // partition folders (yyyy=, mm=) hold data, never staging folders
                findStaging(fs, st.getPath(), depth + 1, before, lake, removed, bytes);
            }
        }
    }

    /**
     * Removes the hub-written data files of a table that no retained version references and that are
     * older than {@code minAge} (the rule in the class comment).
     *
     * @return what was removed (nothing if the table does not exist or its log cannot be read)
     * @throws IOException if the table folder cannot be listed
     */
    public static Removed removeUnreferenced(DeltaTable table, Duration minAge) throws IOException {
        if (!table.exists()) {
            return new Removed(List.of(), 0);
        }
        Set<String> referenced;
        try {
            referenced = referencedNames(table);
        } catch (IOException | RuntimeException e) {
            return new Removed(List.of(), 0);
        }
        long before = System.currentTimeMillis() - minAge.toMillis();
        FileSystem fs = table.path().getFileSystem(table.lake().conf());
        List<String> removed = new ArrayList<>();
        long[] bytes = {0};
        removeData(fs, table.path(), referenced, before, table.lake(), removed, bytes);
        return new Removed(removed, bytes[0]);
    }

    private static void removeData(FileSystem fs, Path dir, Set<String> referenced, long before, LakeStorage lake,
                                   List<String> removed, long[] bytes) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (st.isDirectory()) {
                if (name.contains("=") && !name.startsWith("_") && !name.startsWith(".")) {
                    removeData(fs, st.getPath(), referenced, before, lake, removed, bytes);
                }
            } else if (HUB_DATA_FILE.matcher(name).matches() && !referenced.contains(name)
                    && st.getModificationTime() < before && fs.delete(st.getPath(), false)) {
                removed.add(relative(lake, st.getPath()));
                bytes[0] += st.getLen();
            }
        }
    }

    /**
     * The file names (last path segment, URL-decoded) of every data file the table's retained log
     * mentions: the latest snapshot's files and every {@code add} and {@code remove} of every commit
     * file still in {@code _delta_log/}. Hub file names hold a random UUID, so the name identifies a file.
     */
    private static Set<String> referencedNames(DeltaTable table) throws IOException {
        Set<String> names = new HashSet<>();
        for (DataFile f : table.latest().getAllFiles()) {
            names.add(name(f.getPath()));
        }
        CommitFiles.forEachFileAction(table, (kind, action) -> {
            if (action.hasNonNull("path")) {
                names.add(name(action.get("path").asText()));
            }
        });
        return names;
    }

    private static String name(String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        return URLDecoder.decode(last, StandardCharsets.UTF_8);
    }

    private static String relative(LakeStorage lake, Path p) throws IOException {
        Path anyChild = lake.path("silver");
        String root = anyChild.getFileSystem(lake.conf()).makeQualified(anyChild).getParent().toString();
        String s = p.toString();
        return s.startsWith(root + "/") ? s.substring(root.length() + 1) : s;
    }
}
