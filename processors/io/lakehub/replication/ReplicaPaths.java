package io.lakehub.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the destination paths of replication requests, so that a request can never write outside
 * its target: no absolute path, no {@code ..} or {@code .} segment, no hidden segment (staging folders
 * start with a dot), no backslash, no empty segment; each segment {@code [A-Za-z0-9_][A-Za-z0-9_.=-]*}, at
 * most {@value #MAX_SEGMENTS} segments and {@value #MAX_LENGTH} characters in all. Stateless.
 */
public final class ReplicaPaths {

    /** Most characters in a destination path. */
    public static final int MAX_LENGTH = 512;
    /** Most segments in a destination path. */
    public static final int MAX_SEGMENTS = 16;

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.=-]{0,127}");

    private ReplicaPaths() {
    }

    /**
     * Checks a relative destination path.
     *
     * @return the path without a trailing {@code /}
     * @throws IllegalArgumentException naming the offending segment when the path could leave the target or is malformed
     */
    public static String check(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path must not be empty");
        }
        if (path.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("path is longer than " + MAX_LENGTH + " characters");
        }
        if (path.startsWith("/") || path.contains("\\") || path.contains(":")) {
            throw new IllegalArgumentException("path must be relative to the target, with / separators and no drive or scheme: '"
                    + path + "'");
        }
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] segments = p.split("/", -1);
        if (segments.length > MAX_SEGMENTS) {
            throw new IllegalArgumentException("path has more than " + MAX_SEGMENTS + " segments");
        }
        for (String s : segments) {
            if (s.equals("..") || s.equals(".")) {
                throw new IllegalArgumentException("path must stay inside the target: segment '" + s + "' is not allowed");
            }
            if (!SEGMENT.matcher(s).matches()) {
                throw new IllegalArgumentException("path segment '" + s + "' must match [A-Za-z0-9_][A-Za-z0-9_.=-]* (no empty, "
                        + "hidden or .. segments)");
            }
        }
        return p;
    }

    /**
     * Resolves a checked destination under a local root and verifies the result is still inside it
     * (defence in depth against a symbolic link or a rule slip).
     *
     * @throws IllegalArgumentException if the resolved path is outside {@code root}
     */
    public static Path resolveInside(Path root, String destination) {
        Path r = root.toAbsolutePath().normalize();
        Path p = r.resolve(check(destination)).normalize();
        if (!p.startsWith(r) || p.equals(r)) {
            throw new IllegalArgumentException("path '" + destination + "' leaves the target");
        }
        return p;
    }

    /** Deletes a local folder tree (best effort: what cannot be deleted stays). */
    public static void deleteRecursively(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover staging file is harmless: it is hidden and replaced by the next attempt
                }
            });
        } catch (IOException e) {
            // same as above
        }
    }
}
