package dev.docket.web.internal;

import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.jdbc.PostgresDocumentSink;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.sql.DataSource;

/**
 * Downloads of the documents the PostgreSQL sink stored in this dashboard's schema, and of those a
 * {@link FileSystemDocumentSink} wrote to the directory the dashboard was given. The bytes are checked
 * against the recorded SHA-256 before any is sent, and always go out as an attachment of type
 * {@code application/octet-stream}: a stored page is hostile and must never render in the dashboard's origin.
 * Documents elsewhere (s3://, other directories, other names) are shown as their reference, never read.
 */
final class Documents {
    private final PostgresDocumentSink sink;
    private final String prefix;
    private final FileSystemDocumentSink files;

    Documents(DataSource dataSource, String schema, Path directory) {
        this.sink = dataSource == null ? null
                : PostgresDocumentSink.builder(dataSource).schema(schema).createTable(false).build();
        this.prefix = "docket-pg:" + schema + "/";
        this.files = directory == null ? null : new FileSystemDocumentSink(directory);
    }

    boolean downloadable(StoredDocument d) {
        return inDatabase(d) || onDisk(d) != null;
    }

    private boolean inDatabase(StoredDocument d) {
        return sink != null && PostgresDocumentSink.isReference(d.uri()) && d.uri().startsWith(prefix);
    }

    /** The file of {@code d} when it is one of the configured directory's, as its sink names them; else null. */
    private Path onDisk(StoredDocument d) {
        if (files == null || !d.uri().startsWith("file:")) {
            return null;
        }
        try {
            return files.fileOf(d);
        } catch (IllegalArgumentException e) {
            return null; // another directory, another name, or not a URI at all: shown as text, never read
        }
    }

    private long copy(StoredDocument d, OutputStream out) throws IOException {
        if (inDatabase(d)) {
            return sink.copyTo(d, out);
        }
        Path p = onDisk(d);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileNotFoundException(p + " (or not a regular file)");
        }
        try (InputStream in = Files.newInputStream(p)) {
            return in.transferTo(out);
        }
    }

    void send(Request r, Job job, StoredDocument d) throws IOException {
        send(r, job.id(), "document", "job-" + job.id(), d);
    }

    /**
     * Sends {@code d} of job {@code jobId} as {@code file} plus an extension for its type; {@code what} names it
     * in errors ("document", "snapshot file").
     */
    void send(Request r, long jobId, String what, String file, StoredDocument d) throws IOException {
        String whose = "job " + jobId + "'s " + what;
        if (!downloadable(d)) {
            throw WebException.notFound(whose + " is not in this dashboard's database or document directory");
        }
        Path tmp = Files.createTempFile("docket-dashboard-", ".part");
        try {
            MessageDigest sha = sha256();
            long n;
            try (OutputStream o = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                n = copy(d, o);
            } catch (FileNotFoundException e) {
                throw WebException.notFound(whose + " is gone (purged?)");
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (n != d.size() || !got.equals(d.sha256())) {
                throw new WebException(502, whose + " does not match its record (" + n
                        + " bytes with sha256 " + got + ", recorded " + d.size() + " bytes with sha256 " + d.sha256() + ")");
            }
            var h = r.exchange().getResponseHeaders();
            h.set("Content-Type", "application/octet-stream");
            h.set("Content-Disposition", "attachment; filename=\"" + file + extension(d.contentType()) + "\"");
            Response.securityHeaders(r.exchange());
            r.exchange().sendResponseHeaders(200, n == 0 ? -1 : n);
            if (n > 0) {
                try (InputStream in = Files.newInputStream(tmp); OutputStream o = r.exchange().getResponseBody()) {
                    in.transferTo(o);
                }
            }
            r.exchange().close();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A file extension for well-known types only; the type itself is never echoed. */
    static String extension(String contentType) {
        String t = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("application/pdf")) {
            return ".pdf";
        } else if (t.startsWith("text/html")) {
            return ".html";
        } else if (t.startsWith("application/json")) {
            return ".json";
        } else if (t.startsWith("text/plain")) {
            return ".txt";
        } else if (t.startsWith("image/png")) {
            return ".png";
        }
        return ".bin";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
