package dev.docket.web.internal;

import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.jdbc.PostgresDocumentSink;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.sql.DataSource;

/**
 * Downloads of the documents the PostgreSQL sink stored in this dashboard's schema. The bytes are checked
 * against the recorded SHA-256 before any is sent, and always go out as an attachment of type
 * {@code application/octet-stream}: a stored page is hostile and must never render in the dashboard's origin.
 * Documents elsewhere (file:, s3://) are shown as their reference, not served.
 */
final class Documents {
    private final PostgresDocumentSink sink;
    private final String prefix;

    Documents(DataSource dataSource, String schema) {
        this.sink = dataSource == null ? null
                : PostgresDocumentSink.builder(dataSource).schema(schema).createTable(false).build();
        this.prefix = "docket-pg:" + schema + "/";
    }

    boolean downloadable(StoredDocument d) {
        return sink != null && PostgresDocumentSink.isReference(d.uri()) && d.uri().startsWith(prefix);
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
            throw WebException.notFound(whose + " is not in this dashboard's database");
        }
        Path tmp = Files.createTempFile("docket-dashboard-", ".part");
        try {
            MessageDigest sha = sha256();
            long n;
            try (OutputStream o = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                n = sink.copyTo(d, o);
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
