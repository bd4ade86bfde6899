package dev.docket.queue.jdbc;

import dev.docket.queue.internal.StoredDocuments;
import dev.docket.queue.Document;
import dev.docket.queue.DocumentSinkException;
import dev.docket.queue.DocumentSinkException.Kind;
import dev.docket.queue.DocumentSinkHealth;
import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.SweepableDocumentSink;
import dev.docket.queue.jdbc.internal.SqlErrors;
import dev.docket.queue.jdbc.internal.SqlIdentifiers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SweepableDocumentSink} that keeps documents in PostgreSQL, in the table {@value #TABLE} beside the
 * queue (same schema): bytes ({@code bytea}), SHA-256, content type, size and when it was written, one row per
 * attempt, keyed by {@code (job_id, lease_token)}. It follows the fenced protocol of
 * {@link dev.docket.queue.DocumentSink}: each attempt writes its own row (a stale owner's late document never
 * replaces the new owner's), the runtime records the reference {@code docket-pg:<schema>/<job id>/<lease token>}
 * with the job's finishing write, the row of a losing attempt is deleted ({@link #discard}), and rows of attempts
 * that died before their finishing write are listed for {@link dev.docket.queue.DocumentSweeper}.
 *
 * <ul>
 *   <li>Documents above {@link Builder#maxDocumentSize} (default 64 MiB) fail their job with a clear message
 *       ({@link DocumentSinkException.Kind#PERMANENT}).</li>
 *   <li>Bytes stream in ({@code setBinaryStream} from the document's own bytes) and out ({@link #copyTo}, in
 *       chunks: the column is stored uncompressed out of line, so each chunk reads only its part).</li>
 *   <li>With {@link Builder#deleteWithJob} (the default), a foreign key with {@code ON DELETE CASCADE} to the queue
 *       table deletes a job's documents with it (by {@code purge} or by hand). Without it, documents outlive
 *       their jobs (and the queue need not be in this database).</li>
 * </ul>
 *
 * <p>The table is created (idempotently, under the schema's migration lock) when the sink is built, unless
 * {@link Builder#createTable(boolean)} is off. Thread-safe.
 */
public final class PostgresDocumentSink implements SweepableDocumentSink {
    /** The table holding the documents. */
    public static final String TABLE = "extraction_document";
    /** The URI scheme of this sink's references. */
    public static final String SCHEME = "docket-pg";
    private static final Logger log = LoggerFactory.getLogger(PostgresDocumentSink.class);
    private static final String FK = "extraction_document_job_fk";
    private static final Pattern URI = Pattern.compile("^" + SCHEME + ":([a-z_][a-z0-9_]{0,62})/([1-9][0-9]{0,18})/"
            + "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$");
    private static final int CHUNK = 1024 * 1024;

    private final DataSource dataSource;
    private final String schema;
    private final String table;
    private final long maxDocumentSize;
    private final boolean deleteWithJob;
    private final String insert;
    /** True once the table was read, until a store failure that releases jobs. */
    private volatile boolean knownReady;

    private PostgresDocumentSink(Builder b) {
        this.dataSource = b.dataSource;
        this.schema = b.schema;
        this.table = SqlIdentifiers.quote(schema) + "." + TABLE;
        this.maxDocumentSize = b.maxDocumentSize;
        this.deleteWithJob = b.deleteWithJob;
        this.insert = "INSERT INTO " + table + " (job_id, lease_token, content, sha256, size, content_type)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, lease_token) DO UPDATE SET content = EXCLUDED.content,"
                + " sha256 = EXCLUDED.sha256, size = EXCLUDED.size, content_type = EXCLUDED.content_type,"
                + " created_at = now()";
    }

    /** A builder over {@code dataSource} (the queue's, or any PostgreSQL database). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The schema of the table. */
    public String schema() {
        return schema;
    }

    /** The largest document accepted, in bytes. */
    public long maxDocumentSize() {
        return maxDocumentSize;
    }

    /** The reference of the document of this attempt of {@code job}. */
    public String uriFor(Job job) {
        return SCHEME + ":" + schema + "/" + job.id() + "/" + StoredDocuments.attemptToken(job);
    }

    /** True when {@code uri} is a reference of a sink of this kind (any schema). */
    public static boolean isReference(String uri) {
        return uri != null && URI.matcher(uri).matches();
    }

    // ---------------------------------------------------------------- store

    @Override
    public StoredDocument store(Job job, Document document) throws IOException {
        UUID token = StoredDocuments.attemptToken(job);
        if (document.size() > maxDocumentSize) {
            throw new DocumentSinkException(Kind.PERMANENT, "document of job " + job.id() + " is " + document.size()
                    + " bytes but the PostgreSQL sink's maxDocumentSize is " + maxDocumentSize);
        }
        byte[] bytes = document.content();
        String sha = sha256(bytes);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setLong(1, job.id());
            ps.setObject(2, token);
            ps.setBinaryStream(3, new ByteArrayInputStream(bytes), bytes.length);
            ps.setString(4, sha);
            ps.setLong(5, bytes.length);
            ps.setString(6, document.contentType());
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw failure("store the document of job " + job.id(), e);
        }
        return new StoredDocument(uriFor(job), sha, bytes.length, document.contentType());
    }

    private DocumentSinkException failure(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String detail = what + " in " + table + " failed: " + e.getMessage();
        if (SqlErrors.isTransient(e)) {
            knownReady = false;
            return new DocumentSinkException(Kind.UNAVAILABLE, detail, e);
        }
        if (state.equals(SqlErrors.UNDEFINED_TABLE) || state.equals(SqlErrors.INVALID_SCHEMA) || state.equals("42501")) {
            knownReady = false;
            return new DocumentSinkException(Kind.REJECTED, detail, e);
        }
        if (state.equals("54000")) { // program_limit_exceeded: a value too large
            return new DocumentSinkException(Kind.PERMANENT, detail, e);
        }
        return new DocumentSinkException(Kind.TRANSIENT, detail, e);
    }

    /**
     * Ready while the table can be read and written: checked (a cheap query) on the first call and after a store
     * failure that released a job; other calls answer from memory.
     */
    @Override
    public DocumentSinkHealth health() {
        if (knownReady) {
            return DocumentSinkHealth.healthy();
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT 1 FROM " + table + " LIMIT 0");
            knownReady = true;
            return DocumentSinkHealth.healthy();
        } catch (SQLException e) {
            return DocumentSinkHealth.down(failure("read", e).getMessage());
        } catch (RuntimeException e) {
            return DocumentSinkHealth.down("PostgreSQL sink " + table + ": " + e);
        }
    }

    // ---------------------------------------------------------------- read

    /**
     * Writes the bytes of {@code document} to {@code out}, a chunk at a time (never the whole document in memory).
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException when {@code document} is not a reference of this sink's schema
     * @throws java.io.FileNotFoundException when the document is not (or no longer) stored
     */
    public long copyTo(StoredDocument document, OutputStream out) throws IOException {
        Location l = locate(document.uri());
        long written = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT substring(content FROM ? FOR ?), octet_length(content)"
                        + " FROM " + table + " WHERE job_id = ? AND lease_token = ?")) {
            ps.setLong(3, l.jobId);
            ps.setObject(4, l.token);
            long size = -1;
            do {
                ps.setInt(1, Math.toIntExact(written + 1));
                ps.setInt(2, CHUNK);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        if (size < 0) {
                            throw new java.io.FileNotFoundException("no document " + document.uri() + " in " + table);
                        }
                        throw new IOException("document " + document.uri() + " was deleted while it was read");
                    }
                    size = rs.getLong(2);
                    try (InputStream in = rs.getBinaryStream(1)) {
                        written += in.transferTo(out);
                    }
                }
            } while (written < size);
        } catch (SQLException e) {
            throw failure("read " + document.uri(), e);
        }
        return written;
    }

    /** What is stored for the reference {@code uri}: its checksum, size and type; empty when nothing is. */
    public Optional<StoredDocument> find(String uri) throws IOException {
        Location l = locate(uri);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT sha256, size, content_type FROM " + table
                        + " WHERE job_id = ? AND lease_token = ?")) {
            ps.setLong(1, l.jobId);
            ps.setObject(2, l.token);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new StoredDocument(uri, rs.getString(1), rs.getLong(2), rs.getString(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("look up " + uri, e);
        }
    }

    // ---------------------------------------------------------------- discard and sweep

    @Override
    public void discard(Job job, StoredDocument document) throws IOException {
        Location l = locate(document.uri());
        StoredDocuments.requireAttemptOf(job, l.jobId, l.token, document.uri());
        delete(l);
    }

    @Override
    public void delete(Entry entry) throws IOException {
        delete(locate(entry.uri()));
    }

    private void delete(Location l) throws IOException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE job_id = ? AND lease_token = ?")) {
            ps.setLong(1, l.jobId);
            ps.setObject(2, l.token);
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw failure("delete the document of job " + l.jobId, e);
        }
    }

    /** Lists the documents written before {@code writtenBefore} (by the database clock), a few hundred at a time. */
    @Override
    public void forEachEntry(Instant writtenBefore, EntryVisitor visitor) throws IOException {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false); // a cursor: rows come in batches of the fetch size
            try (PreparedStatement ps = c.prepareStatement("SELECT job_id, lease_token, created_at FROM " + table
                    + " WHERE created_at < ?")) {
                ps.setFetchSize(500);
                ps.setTimestamp(1, Timestamp.from(writtenBefore));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        UUID token = rs.getObject(2, UUID.class);
                        Instant at = rs.getTimestamp(3).toInstant();
                        visitor.visit(new Entry(id, token, SCHEME + ":" + schema + "/" + id + "/" + token, at));
                    }
                }
                c.commit();
            } finally {
                try {
                    c.rollback();
                    c.setAutoCommit(auto);
                } catch (SQLException e) {
                    log.debug("resetting the connection after a sweep listing failed", e);
                }
            }
        } catch (SQLException e) {
            throw failure("list the documents", e);
        }
    }

    // ---------------------------------------------------------------- table

    /** Creates the table if missing and adds or drops the foreign key to the queue as configured. Idempotent. */
    void ensureTable() {
        String q = SqlIdentifiers.quote(schema);
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + SqlIdentifiers.ADVISORY_LOCK_CLASS + ", "
                        + SqlIdentifiers.migrationLockKey(schema) + ")");
                s.execute("CREATE SCHEMA IF NOT EXISTS " + q);
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                        + " job_id       bigint      NOT NULL,"
                        + " lease_token  uuid        NOT NULL,"
                        + " content      bytea       NOT NULL,"
                        + " sha256       text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),"
                        + " size         bigint      NOT NULL CHECK (size >= 0),"
                        + " content_type text        NOT NULL,"
                        + " created_at   timestamptz NOT NULL DEFAULT now(),"
                        + " PRIMARY KEY (job_id, lease_token))");
                // documents are mostly compressed already (PDF, PNG): no TOAST compression, and substring reads
                // only the chunks it needs
                s.execute("ALTER TABLE " + table + " ALTER COLUMN content SET STORAGE EXTERNAL");
                s.execute("CREATE INDEX IF NOT EXISTS extraction_document_created_at_idx ON " + table + " (created_at)");
                s.execute("COMMENT ON TABLE " + table + " IS 'Docket documents (PostgresDocumentSink), one row per "
                        + "attempt; references: " + SCHEME + ":<schema>/<job_id>/<lease_token>'");
                boolean hasFk;
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = ?"
                        + " AND conrelid = ?::regclass")) {
                    ps.setString(1, FK);
                    ps.setString(2, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        hasFk = rs.next();
                    }
                }
                if (deleteWithJob && !hasFk) {
                    // NOT VALID: rows kept while the key was off may name purged jobs; new rows are checked
                    s.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + FK + " FOREIGN KEY (job_id) REFERENCES "
                            + q + ".extraction_queue (id) ON DELETE CASCADE NOT VALID");
                } else if (!deleteWithJob && hasFk) {
                    s.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + FK);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            if (SqlErrors.UNDEFINED_TABLE.equals(e.getSQLState())) {
                throw new IllegalStateException("deleteWithJob needs the queue table " + q + ".extraction_queue: run "
                        + "SchemaMigrator.migrate first, or build the sink with deleteWithJob(false)", e);
            }
            throw SqlErrors.translate("create the document table", schema, e);
        }
    }

    private Location locate(String uri) {
        Matcher m = uri == null ? null : URI.matcher(uri);
        if (m == null || !m.matches() || !m.group(1).equals(schema)) {
            throw new IllegalArgumentException("not a document of " + this + ": " + uri);
        }
        return new Location(Long.parseLong(m.group(2)), UUID.fromString(m.group(3)));
    }

    private record Location(long jobId, UUID token) {
    }

    private static String sha256(byte[] bytes) {
        return dev.docket.queue.internal.StoredDocuments.sha256(bytes);
    }

    @Override
    public String toString() {
        return "PostgresDocumentSink{" + schema + "." + TABLE + "}";
    }

    /** Builds a {@link PostgresDocumentSink}. Not thread-safe. */
    public static final class Builder {
        private final DataSource dataSource;
        private String schema = SchemaMigrator.DEFAULT_SCHEMA;
        private long maxDocumentSize = 64L * 1024 * 1024;
        private boolean deleteWithJob = true;
        private boolean createTable = true;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The schema of the queue (and of the table); default {@value SchemaMigrator#DEFAULT_SCHEMA}. */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** The largest document accepted: 1 byte to 1 GiB - 1 (PostgreSQL's limit for a value); default 64 MiB. */
        public Builder maxDocumentSize(long bytes) {
            this.maxDocumentSize = bytes;
            return this;
        }

        /**
         * Whether a job's documents are deleted with it ({@code purge}): a foreign key with {@code ON DELETE CASCADE}
         * to the queue table, added or dropped when the sink is built. Default true. Turn off to keep documents after
         * their jobs are purged, or when the queue lives in another database.
         */
        public Builder deleteWithJob(boolean deleteWithJob) {
            this.deleteWithJob = deleteWithJob;
            return this;
        }

        /** Whether {@link #build()} creates the table (if missing) and sets the foreign key; default true. */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        /** Validates, creates the table when asked, and builds. */
        public PostgresDocumentSink build() {
            SqlIdentifiers.requireSchema("schema", schema);
            if (maxDocumentSize < 1 || maxDocumentSize >= 1024L * 1024 * 1024) {
                throw new IllegalArgumentException("maxDocumentSize must be between 1 and " + (1024L * 1024 * 1024 - 1)
                        + " (PostgreSQL's limit for one value) but was " + maxDocumentSize);
            }
            PostgresDocumentSink sink = new PostgresDocumentSink(this);
            if (createTable) {
                sink.ensureTable();
            }
            return sink;
        }
    }
}
