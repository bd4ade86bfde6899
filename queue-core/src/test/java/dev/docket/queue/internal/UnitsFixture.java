package dev.docket.queue.internal;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.Extractor;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.RetryPolicy;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.testing.ManualClock;
import dev.docket.queue.testing.ManualTicker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The units of one runtime over an in-memory store, a manual clock and ticker, every executor inline: no threads. */
final class UnitsFixture {
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

    final ManualClock clock = ManualClock.startingNow();
    final ManualTicker ticker = new ManualTicker();
    final InMemoryJobStore memory = new InMemoryJobStore(clock);
    final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Tasks handed to the writer executor (timed-out outcomes), run by {@link #runWrites()}. */
    final List<Runnable> writes = new ArrayList<>();

    static WorkerConfig.Builder config() {
        return WorkerConfig.builder().workerId("u1").concurrency(2).claimBatchSize(10).lease(LEASE)
                .heartbeatInterval(Duration.ofSeconds(10)).pollInterval(Duration.ofSeconds(1)).jobTimeout(JOB_TIMEOUT)
                .retryBackoff(Duration.ofSeconds(5), Duration.ofMinutes(10))
                .extractorRestartBackoff(Duration.ofMillis(10));
    }

    static Document pdf(Job job) {
        return Document.of(("%PDF-1.4 " + job.documentNumber()).getBytes(StandardCharsets.UTF_8), "application/pdf");
    }

    WorkerUnits units(JobStore store, Extractor extractor, Path dir) {
        return units(store, extractor, new FileSystemDocumentSink(dir), config().build(), null);
    }

    WorkerUnits units(JobStore store, Extractor extractor, DocumentSink sink, WorkerConfig config, RetryPolicy policy) {
        return units(store, extractor, sink, config, policy, Runnable::run);
    }

    /** As above, claimed jobs run by {@code jobThreads} (e.g. {@code list::add}: the test runs them when it likes). */
    WorkerUnits units(JobStore store, Extractor extractor, DocumentSink sink, WorkerConfig config, RetryPolicy policy,
            java.util.concurrent.Executor jobThreads) {
        Listeners listeners = new Listeners(List.of(new WorkerListener() {
            @Override
            public void onCompleted(Job job, dev.docket.queue.StoredDocument document, Duration took) {
                events.add("completed " + job.id() + " in " + took);
            }

            @Override
            public void onRetryScheduled(Job job, String error, Duration delay) {
                events.add("retry " + job.id() + " in " + delay);
            }

            @Override
            public void onTimedOut(Job job, Duration timeout) {
                events.add("timed out " + job.id());
            }

            @Override
            public void onReleased(Job job, String reason) {
                events.add("released " + job.id());
            }

            @Override
            public void onLeaseLost(long jobId, String reason) {
                events.add("lease lost " + jobId);
            }

            @Override
            public void onExtractorDown(String reason, Throwable error) {
                events.add("extractor down");
            }

            @Override
            public void onExtractorUp() {
                events.add("extractor up");
            }
        }));
        StoreHealth health = new StoreHealth("u1", e -> { }, d -> { });
        RetryPolicy fallback = RetryPolicy.exponential(config.retryInitialBackoff(), config.retryMaxBackoff(), 0.2);
        WorkerContext ctx = new WorkerContext(store, extractor, sink, config, clock, ticker, listeners, health,
                policy != null ? policy : fallback);
        return new WorkerUnits(ctx, fallback, jobThreads, Runnable::run, writes::add);
    }

    void runWrites() {
        List<Runnable> now = new ArrayList<>(writes);
        writes.clear();
        now.forEach(Runnable::run);
    }
}
