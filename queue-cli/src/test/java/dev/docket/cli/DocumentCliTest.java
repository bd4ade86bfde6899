package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Document;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.jdbc.PostgresDocumentSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentCliTest extends CliStoreTest {
    @TempDir
    Path dir;

    private Job completed(byte[] bytes) throws Exception {
        PostgresDocumentSink sink = PostgresDocumentSink.builder(db.dataSource()).schema(db.schema())
                .deleteWithJob(false).build(); // CliStoreTest truncates the queue, which a foreign key to it forbids
        store.enqueue(NewJob.of("registry-a", "doc-" + bytes.length));
        Job job = store.claim("w", 1, Duration.ofMinutes(1)).get(0);
        StoredDocument stored = sink.store(job, Document.of(bytes, "application/pdf"));
        return store.finish(job.lease(), JobOutcome.completed(stored.toJson()));
    }

    @Test
    void writesACompletedJobsDocumentFromThePostgresSinkToAFile() throws Exception {
        byte[] bytes = new byte[2 * 1024 * 1024 + 7];
        new Random(1).nextBytes(bytes);
        Job job = completed(bytes);
        Path out = dir.resolve("doc.pdf");

        CliRunner.Run r = cli.run("document", "--job", Long.toString(job.id()), "--out", out.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(out).hasBinaryContent(bytes);
        assertThat(r.out()).contains("wrote " + bytes.length + " bytes");
        CliRunner.Run again = cli.run("document", "--job", Long.toString(job.id()), "--out", out.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("exists").contains("--force");
    }

    @Test
    void saysWhyWhenThereIsNoDocumentToWrite() throws Exception {
        Job pending = store.enqueue(NewJob.of("registry-a", "doc-x"));
        Path out = dir.resolve("x.pdf");

        CliRunner.Run none = cli.run("document", "--job", Long.toString(pending.id()), "--out", out.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("records no document");
        CliRunner.Run missing = cli.run("document", "--job", "999999", "--out", out.toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(Files.exists(out)).isFalse();
    }
}
