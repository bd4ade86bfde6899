package dev.docket.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Writes each document to {@code <directory>/<job id>.<extension>}. The file name comes only from the
 * job id, never from page text or job fields, so no input can escape the directory. Writes go to a
 * temporary file that is atomically moved into place: a reader never sees a half-written document,
 * and a retry replaces the earlier file. Files get the process's default permissions (umask).
 * Thread-safe.
 */
public final class FileSystemDocumentSink implements DocumentSink {
    private final Path directory;

    /** @param directory created if missing */
    public FileSystemDocumentSink(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
    }

    /** The directory documents are written to. */
    public Path directory() {
        return directory;
    }

    /** The file the document of {@code jobId} is (or will be) written to. */
    public Path fileFor(long jobId, String extension) {
        return directory.resolve(jobId + "." + extension);
    }

    @Override
    public StoredDocument store(Job job, Document document) throws IOException {
        Files.createDirectories(directory);
        byte[] bytes = document.content();
        Path target = fileFor(job.id(), document.fileExtension());
        // not Files.createTempFile: that makes the file 0600, unreadable to other users (a web server)
        Path tmp = directory.resolve("." + job.id() + "-" + java.util.UUID.randomUUID() + ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                out.write(bytes);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        URI uri = target.toUri();
        return new StoredDocument(uri.toString(), sha256(bytes), bytes.length, document.contentType());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "FileSystemDocumentSink{" + directory + "}";
    }
}
