package dev.docket.examples;

import dev.docket.queue.Document;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Extractor;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.JobStatus;
import dev.docket.queue.JobQueue;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's quick start: an in-memory store, a custom {@link Extractor}, a runtime. Run it with
 * {@code java -cp examples/target/docket-demo.jar dev.docket.examples.QuickStart}.
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) throws InterruptedException {
        JobStore store = run();
        System.out.println("completed: " + store.stats().count(JobStatus.COMPLETED)
                + ", failed: " + store.stats().count(JobStatus.FAILED));
    }

    /** Runs the quick start until the queue is drained; returns the store to inspect. */
    static JobStore run() throws InterruptedException {
        JobStore store = new InMemoryJobStore();
        JobQueue queue = JobQueue.of(store);   // what your application calls; the store is the runtime's SPI
        queue.enqueue(NewJob.of("registry-a", "2024-000123"));

        Extractor extractor = (job, context) -> {
            byte[] pdf = fetchFromRegistry(job.documentSource(), job.documentNumber(), context.remaining());
            if (pdf == null) {
                throw ExtractionException.permanent("document " + job.documentNumber() + " does not exist");
            }
            return Document.of(pdf, "application/pdf");
        };

        try (WorkerRuntime runtime = WorkerRuntime.builder(store, extractor)
                .config(WorkerConfig.builder().concurrency(4).jobTimeout(Duration.ofMinutes(2)).build())
                .documentSink(new FileSystemDocumentSink(Path.of("documents")))
                .start()) {
            // ... the runtime claims and extracts jobs on its own threads until closed
            waitUntilDrained(store);
        }
        return store;
    }

    /** Stands in for a real registry client. */
    static byte[] fetchFromRegistry(String source, String number, Duration timeLeft) {
        if (number.startsWith("missing")) {
            return null;
        }
        return ("%PDF-1.4\n% " + source + " " + number + "\n%%EOF\n").getBytes(StandardCharsets.US_ASCII);
    }

    static void waitUntilDrained(JobStore store) throws InterruptedException {
        while (store.stats().count(JobStatus.PENDING) + store.stats().count(JobStatus.PROCESSING) > 0) {
            Thread.sleep(20); // a demo's progress loop; tests wait on conditions instead
        }
    }
}
