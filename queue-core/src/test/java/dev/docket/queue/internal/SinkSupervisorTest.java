package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.DocumentSink;
import dev.docket.queue.DocumentSinkHealth;
import dev.docket.queue.FileSystemDocumentSink;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkSupervisorTest {
    @TempDir
    Path dir;

    @Test
    void aSinkThatIsDownIsAskedAgainWithBackoffUntilItIsReady() {
        UnitsFixture fx = new UnitsFixture();
        AtomicReference<DocumentSinkHealth> health = new AtomicReference<>(DocumentSinkHealth.down("bucket gone"));
        FileSystemDocumentSink files = new FileSystemDocumentSink(dir);
        DocumentSink sink = new DocumentSink() {
            @Override
            public dev.docket.queue.StoredDocument store(dev.docket.queue.Job job, dev.docket.queue.Document document)
                    throws java.io.IOException {
                return files.store(job, document);
            }

            @Override
            public DocumentSinkHealth health() {
                return health.get();
            }
        };
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), sink,
                UnitsFixture.config().build(), null);
        assertThat(u.sink.ensureReady()).isPositive();
        assertThat(u.sink.problem()).contains("bucket gone");
        assertThat(u.state()).isEqualTo(dev.docket.queue.WorkerState.DEGRADED);
        health.set(DocumentSinkHealth.healthy());
        assertThat(u.sink.ensureReady()).isNull();
        assertThat(u.sink.problem()).isNull();

        u.sink.markDown("document sink: refused");
        assertThat(u.sink.problem()).isEqualTo("document sink: refused");
        assertThat(u.sink.ensureReady()).isNull(); // its health says ready again
        assertThat(u.sink.problem()).isNull();
    }
}
