package io.lakehub.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * A file in a local landing folder (as Camel's {@code file:} consumer hands it over); archived by a
 * rename into {@code <archive>/<yyyy-MM-dd>/<name>} (atomic on one file system).
 */
public final class LocalLandedFile implements LandedFile {

    private final String landing;
    private final Path file;
    private final String name;
    private final String archiveFolder;
    private final long size;
    private final Instant modified;

    /**
     * @param landing       the landing's name
     * @param file          the landed file
     * @param name          its name ({@code CamelFileNameOnly})
     * @param archiveFolder the landing's archive folder
     * @throws IOException if the file's size or time cannot be read
     */
    public LocalLandedFile(String landing, Path file, String name, String archiveFolder) throws IOException {
        this.landing = landing;
        this.file = file;
        this.name = name;
        this.archiveFolder = archiveFolder;
        this.size = Files.size(file);
        this.modified = Files.getLastModifiedTime(file).toInstant();
    }

    @Override
    public String landing() {
        return landing;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String location() {
        return file.toAbsolutePath().toString();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Instant modified() {
        return modified;
    }

    @Override
    public String version() {
        return null;
    }

    /** The landed file. */
    public Path path() {
        return file;
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public String archive(String runId) throws IOException {
        Path folder = Paths.get(archiveFolder).toAbsolutePath().resolve(LocalDate.now(ZoneOffset.UTC).toString());
        Files.createDirectories(folder);
        Path target = folder.resolve(name);
        if (Files.exists(target)) {
            target = folder.resolve(runId + "-" + name);
        }
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(file, target);
        }
        return target.toString();
    }

    @Override
    public void delete() throws IOException {
        Files.delete(file);
    }
}
