package io.lakehub.delta;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@code add} and {@code remove} actions of every commit file still in a table's {@code _delta_log}
 * ({@code <20 digits>.json}, one action per line: Delta protocol, "Delta Log Entries"), for the jobs that need
 * files the latest version no longer holds: VACUUM's removal times, the orphan-file sweep. Checkpoints are not
 * read (their removes are tombstones the latest snapshot already accounts for). Package-private.
 */
final class CommitFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CommitFiles() {
    }

    /**
     * Calls {@code action} with {@code "add"} or {@code "remove"} and the action object, for every such action
     * of every commit file, in no particular order. A table without a log calls nothing.
     *
     * @throws IOException if the log cannot be listed or a commit file read or parsed
     */
    static void forEachFileAction(DeltaTable table, BiConsumer<String, JsonNode> action) throws IOException {
        Path logDir = new Path(table.path(), "_delta_log");
        FileSystem fs = logDir.getFileSystem(table.lake().conf());
        FileStatus[] files;
        try {
            files = fs.listStatus(logDir);
        } catch (FileNotFoundException e) {
            return;
        }
        for (FileStatus s : files) {
            if (!s.getPath().getName().matches("\\d{20}\\.json")) {
                continue;
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(s.getPath()), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.contains("\"add\"") && !line.contains("\"remove\"")) {
                        continue;
                    }
                    JsonNode a = JSON.readTree(line);
                    if (a.hasNonNull("add")) {
                        action.accept("add", a.get("add"));
                    } else if (a.hasNonNull("remove")) {
                        action.accept("remove", a.get("remove"));
                    }
                }
            }
        }
    }
}
