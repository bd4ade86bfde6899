package dev.docket.queue;

import dev.docket.queue.internal.StoredDocuments;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes each attempt's document to {@code <directory>/<job id>-<lease token>.<extension>}, following the
 * fenced protocol of {@link DocumentSink}: the name is unique to the attempt, so a worker that lost its
 * lease can never overwrite the document of the job's new owner, and two queues (two schemas, or a schema
 * rebuilt so that ids restart) sharing one directory never collide. The job's result records the exact
 * file; the file of an attempt whose finishing write lost is removed ({@link #discard}). The name comes only
 * from the job id and the lease token, never from page text or job fields, so no input can escape the
 * directory. Writes go to a temporary file that is atomically moved into place: a reader never sees a
 * half-written document. Files get the process's default permissions (umask). Leftovers of attempts whose
 * process died before its finishing write are removed by {@link DocumentSweeper}. Thread-safe.
 */
public final class FileSystemDocumentSink implements SweepableDocumentSink {
    private static final Pattern NAME = Pattern.compile(
            "^([1-9][0-9]{0,18})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.([a-z0-9]{1,8})$");
    private final Path directory;

    /** @param directory created if missing */
    public FileSystemDocumentSink(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
    }

    /** The directory documents are written to. */
    public Path directory() {
        return directory;
    }

    /** The file the document of this attempt of {@code job} is (or will be) written to. */
    public Path fileFor(Job job, String extension) {
        return directory.resolve(job.id() + "-" + StoredDocuments.attemptToken(job) + "." + extension);
    }

    /** The file a reference returned by {@link #store} points to. */
    public Path fileOf(StoredDocument document) {
        Path p = Path.of(URI.create(document.uri())).toAbsolutePath().normalize();
        if (!directory.equals(p.getParent()) || !NAME.matcher(p.getFileName().toString()).matches()) {
            throw new IllegalArgumentException("not a document of " + this + ": " + document.uri());
        }
        return p;
    }

    /**
     * The file holding the document of a completed job (the one its finishing write recorded).
     *
     * @throws IllegalArgumentException when the job records no document of this sink
     */
    public Path fileOf(Job completed) {
        return fileOf(StoredDocument.of(completed).orElseThrow(() -> new IllegalArgumentException(
                "job " + completed.id() + " (" + completed.status() + ") records no document")));
    }

    @Override
    public StoredDocument store(Job job, Document document) throws IOException {
        Path target = fileFor(job, document.fileExtension());
        Files.createDirectories(directory);
        byte[] bytes = document.content();
        // not Files.createTempFile: that makes the file 0600, unreadable to other users (a web server)
        Path tmp = directory.resolve("." + job.id() + "-" + UUID.randomUUID() + ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(bytes);
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                // only this attempt writes this name; a second store() of one attempt replaces its own file
                Files.delete(target);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        URI uri = target.toUri();
        return new StoredDocument(uri.toString(), sha256(bytes), bytes.length, document.contentType());
    }

    @Override
    public void discard(Job job, StoredDocument document) throws IOException {
        Files.deleteIfExists(fileOf(document));
    }

    @Override
    public void forEachEntry(Instant writtenBefore, EntryVisitor visitor) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path p : files) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                Instant written = a.lastModifiedTime().toInstant();
                if (!a.isRegularFile() || !written.isBefore(writtenBefore)) {
                    continue;
                }
                visitor.visit(new Entry(Long.parseLong(m.group(1)), UUID.fromString(m.group(2)), p.toUri().toString(),
                        written));
            }
        }
    }

    @Override
    public void delete(Entry entry) throws IOException {
        Files.deleteIfExists(fileOf(new StoredDocument(entry.uri(), "", 0, "application/octet-stream")));
    }

    static String sha256(byte[] bytes) {
        return dev.docket.queue.internal.StoredDocuments.sha256(bytes);
    }

    @Override
    public String toString() {
        return "FileSystemDocumentSink{" + directory + "}";
    }
}
