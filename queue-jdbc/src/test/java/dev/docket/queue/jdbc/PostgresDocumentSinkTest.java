package dev.docket.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.DocumentSinkException;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoredDocument;
import dev.docket.testing.DocketPostgres;
import dev.docket.testing.DocumentSinkContract;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PostgresDocumentSink}: the sink contract, plus round trips, the size limit and purge. */
class PostgresDocumentSinkTest extends DocumentSinkContract {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();

    /** The contract's jobs come from an in-memory store: no foreign key to this database's queue. */
    @Override
    protected DocumentSink createSink() {
        PostgresDocumentSink s = PostgresDocumentSink.builder(db.dataSource()).schema(db.schema()).deleteWithJob(false)
                .build();
        db.execute("TRUNCATE \"" + db.schema() + "\".extraction_document");
        return s;
    }

    private PostgresDocumentSink pg() {
        return (PostgresDocumentSink) sink;
    }

    @Override
    protected byte[] read(StoredDocument document) throws IOException {
        String[] parts = document.uri().split("/");
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT content FROM \""
                + db.schema() + "\".extraction_document WHERE job_id = ? AND lease_token = ?::uuid")) {
            ps.setLong(1, Long.parseLong(parts[1]));
            ps.setString(2, parts[2]);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new FileNotFoundException(document.uri());
                }
                return rs.getBytes(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
    }

    @Override
    protected boolean exists(StoredDocument document) throws IOException {
        try {
            read(document);
            return true;
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void roundTripsFromOneByteToSeveralChunks() throws Exception {
        for (int size : new int[] {1, 1000, 3 * 1024 * 1024 + 5}) {
            byte[] bytes = new byte[size];
            new Random(size).nextBytes(bytes);
            Job job = claimed(store, "doc-" + size);

            StoredDocument stored = sink.store(job, Document.of(bytes, "application/pdf"));

            assertThat(stored.uri()).isEqualTo("docket-pg:" + db.schema() + "/" + job.id() + "/" + job.leaseToken());
            assertThat(stored.sha256()).isEqualTo(sha256(bytes));
            assertThat(stored.size()).isEqualTo(size);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(pg().copyTo(stored, out)).isEqualTo(size);
            assertThat(out.toByteArray()).isEqualTo(bytes);
            assertThat(pg().find(stored.uri())).contains(stored);
        }
    }

    @Test
    void aDocumentAboveTheSizeLimitFailsItsJobWithAClearMessage() throws Exception {
        PostgresDocumentSink limited = PostgresDocumentSink.builder(db.dataSource()).schema(db.schema())
                .deleteWithJob(false).maxDocumentSize(1000).build();
        Job job = claimed(store, "doc-1");

        assertThatThrownBy(() -> limited.store(job, Document.of(new byte[1001], PDF)))
                .isInstanceOfSatisfying(DocumentSinkException.class,
                        e -> assertThat(e.kind()).isEqualTo(DocumentSinkException.Kind.PERMANENT))
                .hasMessageContaining("1001 bytes").hasMessageContaining("maxDocumentSize is 1000");
        assertThat(limited.store(job, Document.of(new byte[1000], PDF)).size()).isEqualTo(1000);
        assertThatThrownBy(() -> PostgresDocumentSink.builder(db.dataSource()).maxDocumentSize(0).build())
                .hasMessageContaining("maxDocumentSize must be between").hasMessageContaining("but was 0");
        assertThatThrownBy(() -> PostgresDocumentSink.builder(db.dataSource()).schema("x; drop").build())
                .hasMessageContaining("schema must match").hasMessageContaining("x; drop");
    }

    @Test
    void readingADocumentThatIsGoneSaysSo() throws Exception {
        Job job = claimed(store, "doc-1");
        StoredDocument stored = sink.store(job, doc("%PDF-1 x"));
        sink.discard(job, stored);

        assertThatThrownBy(() -> pg().copyTo(stored, new ByteArrayOutputStream()))
                .isInstanceOf(FileNotFoundException.class).hasMessageContaining(stored.uri());
        assertThat(pg().find(stored.uri())).isEmpty();
        assertThatThrownBy(() -> pg().copyTo(new StoredDocument("docket-pg:other_schema/1/"
                + job.leaseToken(), "", 1, PDF), new ByteArrayOutputStream())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void purgeDeletesAJobsDocumentsWithItUnlessToldToKeepThem() throws Exception {
        try (DocketPostgres queue = DocketPostgres.migrated()) {
            PostgresJobStore jobs = PostgresJobStore.builder(queue.dataSource()).schema(queue.schema()).build();
            try {
                PostgresDocumentSink cascading = PostgresDocumentSink.builder(queue.dataSource()).schema(queue.schema())
                        .build();
                StoredDocument purged = completedWithDocument(jobs, cascading, "doc-1");
                queue.advanceClock(Duration.ofDays(2));
                assertThat(jobs.purge(Duration.ofDays(1))).isEqualTo(1);
                assertThat(cascading.find(purged.uri())).isEmpty();

                PostgresDocumentSink keeping = PostgresDocumentSink.builder(queue.dataSource()).schema(queue.schema())
                        .deleteWithJob(false).build();
                StoredDocument kept = completedWithDocument(jobs, keeping, "doc-2");
                queue.advanceClock(Duration.ofDays(2));
                assertThat(jobs.purge(Duration.ofDays(1))).isEqualTo(1);
                assertThat(keeping.find(kept.uri())).isPresent();

                // turning it back on cascades again, and the kept orphan does not stop it
                PostgresDocumentSink again = PostgresDocumentSink.builder(queue.dataSource()).schema(queue.schema())
                        .build();
                StoredDocument third = completedWithDocument(jobs, again, "doc-3");
                queue.advanceClock(Duration.ofDays(2));
                jobs.purge(Duration.ofDays(1));
                assertThat(again.find(third.uri())).isEmpty();
                assertThat(again.find(kept.uri())).isPresent();
            } finally {
                jobs.close();
            }
        }
    }

    private static StoredDocument completedWithDocument(PostgresJobStore jobs, PostgresDocumentSink sink, String number)
            throws IOException {
        jobs.enqueue(NewJob.of("registry-a", number));
        Job job = jobs.claim("worker-1", 1, Duration.ofMinutes(5)).get(0);
        StoredDocument stored = sink.store(job, doc("%PDF-1 " + number));
        Job done = jobs.finish(job.lease(), JobOutcome.completed(stored.toJson()));
        assertThat(StoredDocument.of(done)).contains(stored);
        return stored;
    }

    @Test
    void aMissingTableIsRejectedAndTheSinkIsDown() throws Exception {
        try (DocketPostgres empty = DocketPostgres.empty()) {
            PostgresDocumentSink missing = PostgresDocumentSink.builder(empty.dataSource()).schema(empty.schema())
                    .createTable(false).build();

            assertThat(missing.health().ready()).isFalse();
            assertThat(missing.health().detail()).contains("extraction_document");
            Job job = claimed(store, "doc-1");
            assertThatThrownBy(() -> missing.store(job, doc("%PDF-1 x")))
                    .isInstanceOfSatisfying(DocumentSinkException.class,
                            e -> assertThat(e.kind()).isEqualTo(DocumentSinkException.Kind.REJECTED));
            assertThat(pg().health().ready()).isTrue();
        }
    }
}
