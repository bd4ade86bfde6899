package dev.docket.queue.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.StoreException;
import dev.docket.queue.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The batcher without a database: a writer that records its batches. */
class FinishBatcherTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    /** Writes every request of a batch (no lease is lost) and remembers what it wrote. */
    static class RecordingWriter implements FinishBatcher.Writer {
        final Set<Long> written = ConcurrentHashMap.newKeySet();
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger largest = new AtomicInteger();

        @Override
        public Map<Long, Job> write(List<FinishBatcher.Request> batch) {
            batches.incrementAndGet();
            largest.accumulateAndGet(batch.size(), Math::max);
            Map<Long, Job> out = new HashMap<>();
            for (FinishBatcher.Request r : batch) {
                long id = r.lease().jobId();
                assertThat(written.add(id)).as("job " + id + " written once").isTrue();
                out.put(id, job(id));
            }
            return out;
        }

        @Override
        public Map<Long, String> explainLost(List<FinishBatcher.Request> lost) {
            return Map.of();
        }
    }

    static Job job(long id) {
        return Job.builder(id, "s", "n" + id).status(JobStatus.COMPLETED).attempts(1).maxAttempts(5).workerId("w")
                .processingStartedAt(T).createdAt(T).completedAt(T).build();
    }

    static JobLease lease(long id) {
        return new JobLease(id, "w", UUID.randomUUID());
    }

    @Test
    void manyConcurrentFinishersAreAllWrittenOnceInBatches() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        FinishBatcher batcher = new FinishBatcher("docket-finish-test", Duration.ofMillis(2), 256, writer);
        int threads = 64;
        int perThread = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        Job j = batcher.finish(lease(base + i), JobOutcome.completed("{}"));
                        assertThat(j.id()).isEqualTo(base + i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            batcher.close();
        }
        assertThat(writer.written).hasSize(threads * perThread);
        assertThat(batcher.accepted()).isEqualTo(threads * perThread);
        assertThat(writer.largest.get()).isGreaterThan(1);
    }

    @Test
    void anIdleBatcherWritesALoneRequest() {
        RecordingWriter writer = new RecordingWriter();
        try (FinishBatcher batcher = new FinishBatcher("docket-finish-test", Duration.ZERO, 256, writer)) {
            for (long id = 1; id <= 20; id++) {
                assertThat(batcher.finish(lease(id), JobOutcome.completed("{}")).id()).isEqualTo(id);
            }
        }
        assertThat(writer.written).hasSize(20);
    }

    @Test
    void closeWritesEveryAcceptedRequestAndRejectsTheRestNoneIsLeftWaiting() throws Exception {
        for (int round = 0; round < 20; round++) {
            RecordingWriter writer = new RecordingWriter();
            FinishBatcher batcher = new FinishBatcher("docket-finish-test", Duration.ofMillis(1), 64, writer);
            int threads = 16;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            Set<Long> returned = ConcurrentHashMap.newKeySet();
            Set<Long> rejected = ConcurrentHashMap.newKeySet();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long base = t * 1_000_000L;
                fs.add(pool.submit(() -> {
                    go.await();
                    for (long i = 0; i < 1_000_000; i++) {
                        try {
                            returned.add(batcher.finish(lease(base + i), JobOutcome.completed("{}")).id());
                        } catch (StoreException e) {
                            assertThat(e.getMessage()).contains("closed");
                            rejected.add(base + i);
                            return null; // closed: later submits would be rejected too
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            int some = 100 * (round + 1); // how many writes go through before the close varies with the round
            Await.until(some + " writes before closing", () -> writer.written.size() >= some);
            batcher.close(Duration.ofSeconds(30));
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS); // none is left waiting
            }
            pool.shutdownNow();
            // every accepted write was written (none failed as "closed before the write")
            assertThat(returned).isEqualTo(writer.written);
            assertThat(batcher.accepted()).isEqualTo(writer.written.size());
            assertThat(rejected).hasSize(threads);
        }
    }

    /** A writer stuck in its first batch (a database that never answers) until released. */
    static final class StuckWriter extends RecordingWriter {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Map<Long, Job> write(List<FinishBatcher.Request> batch) {
            entered.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.write(batch);
        }
    }

    @Test
    void aCallerWaitingOnAStuckBatchGetsATransientFailureInsteadOfWaitingForEver() throws Exception {
        StuckWriter writer = new StuckWriter();
        FinishBatcher batcher = new FinishBatcher("docket-finish-test", Duration.ZERO, 256, Duration.ofMillis(300),
                writer);
        try {
            java.util.concurrent.CompletableFuture<Job> inFlight = batcher.submit(lease(1), JobOutcome.completed("{}"));
            assertThat(writer.entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> batcher.finish(lease(2), JobOutcome.completed("{}")))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("withdrawn and not written")
                    .satisfies(e -> assertThat(((StoreException) e).isTransient()).isTrue());
            assertThatThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(StoreException.class)
                    .hasMessageContaining("may yet apply");
            writer.release.countDown();
            assertThat(batcher.finish(lease(3), JobOutcome.completed("{}")).id()).isEqualTo(3);
            assertThat(writer.written).as("the withdrawn write was never written").doesNotContain(2L);
        } finally {
            writer.release.countDown();
            batcher.close();
        }
    }
}
