package io.lakehub.events;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The file rule bronze and quarantine share: a staged file is renamed over what a failed attempt left. */
final class EventFiles {

    private static final Pattern NAME = Pattern.compile("part-p(\\d+)-o(\\d+)-(\\d+)\\.[a-z]+");

    private EventFiles() {
    }

    /**
     * Moves a staged file to its final name. A file of an earlier, failed attempt at the same records
     * is replaced: one of the same name, or, when the redelivered batch was cut differently, one of the
     * same partition in the same folder whose offset range overlaps {@code first..last} and lies entirely
     * after the partition's committed offset (no commit references it, and its records are being delivered again).
     *
     * @throws IOException if the lake refuses a delete or the rename
     */
    static void publish(Configuration conf, Path staged, Path target, int partition, long first, long last, long committed)
            throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        fs.mkdirs(target.getParent());
        if (fs.exists(target)) {
            fs.delete(target, false);
        }
        for (FileStatus st : fs.listStatus(target.getParent())) {
            Matcher m = NAME.matcher(st.getPath().getName());
            if (st.isFile() && m.matches() && Integer.parseInt(m.group(1)) == partition) {
                long a = Long.parseLong(m.group(2));
                long b = Long.parseLong(m.group(3));
                if (a > committed && a <= last && b >= first) {
                    fs.delete(st.getPath(), false);
                }
            }
        }
        if (!fs.rename(staged, target)) {
            throw new IOException("cannot rename " + staged + " to " + target);
        }
    }
}
