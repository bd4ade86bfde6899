package dev.docket.examples;

import dev.docket.queue.DocumentSweeper;
import dev.docket.queue.Extractor;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.SweepableDocumentSink;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresDocumentSink;
import dev.docket.queue.s3.S3DocumentSink;
import dev.docket.queue.s3.S3SinkConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The three document sinks as docs/sinks.md configures them ("Where documents go"); the page's snippets
 * are checked against this file. Nothing here runs by itself: each method builds what its section shows.
 */
public final class SinkExamples {
    private SinkExamples() {
    }

    /** One host, or every host mounting one filesystem. */
    static WorkerRuntime fileSystem(JobStore store, Extractor extractor) {
        WorkerRuntime runtime = WorkerRuntime.builder(store, extractor)
                .documentSink(new FileSystemDocumentSink(Path.of("/data/docket")))
                .start();
        return runtime;
    }

    /** Documents beside the queue in PostgreSQL. */
    static PostgresDocumentSink postgres(DataSource dataSource) {
        PostgresDocumentSink sink = PostgresDocumentSink.builder(dataSource)
                .schema("docket")                      // the queue's schema; the table extraction_document goes beside it
                .maxDocumentSize(32L * 1024 * 1024)    // larger documents fail their job with a clear message
                .build();                              // creates the table if missing (idempotent, under the migration lock)
        return sink;
    }

    /** An S3-compatible object store: AWS, then MinIO. */
    static S3DocumentSink[] s3() {
        S3DocumentSink sink = S3DocumentSink.create(S3SinkConfig.builder("my-documents", "invoices")
                .region("eu-west-1")                   // AWS: credentials from the SDK's default chain
                .storageClass("STANDARD_IA")
                .build());

        // MinIO / Ceph / R2
        S3DocumentSink minio = S3DocumentSink.create(S3SinkConfig.builder("docs", "invoices")
                .endpointOverride(URI.create("http://minio:9000")).pathStyleAccess(true)
                .credentials(System.getenv("MINIO_ACCESS_KEY"), System.getenv("MINIO_SECRET_KEY"))
                .build());
        return new S3DocumentSink[] {sink, minio};
    }

    /** Removes the documents of attempts whose process died before their finishing write. */
    static void sweep(JobStore store, SweepableDocumentSink sink) throws IOException {
        DocumentSweeper.sweep(store, sink, Duration.ofHours(2)); // more than the job timeout plus the lease
    }
}
