package dev.docket.queue.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Document;
import dev.docket.queue.Extractor;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's test driving claim → run → heartbeat → timeout → rescue step by step on a manual clock. */
class ManualWorkerTest {
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration TIMEOUT = Duration.ofMinutes(1);

    @TempDir
    Path dir;
    final ManualClock clock = ManualClock.startingNow();
    final InMemoryJobStore store = new InMemoryJobStore(clock);
    /** The test's own thread, for a step that blocks in a hanging extractor. */
    final ExecutorService testThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        testThread.shutdownNow();
    }

    static Document pdf(Job job) {
        return Document.of(("%PDF-1.4 " + job.documentNumber()).getBytes(StandardCharsets.UTF_8), "application/pdf");
    }

    ManualWorker worker(String id, Extractor extractor) {
        return ManualWorker.builder(store, extractor).clock(clock).documentSink(new FileSystemDocumentSink(dir))
                .config(WorkerConfig.builder().workerId(id).concurrency(2).lease(LEASE).jobTimeout(TIMEOUT)
                        .retryBackoff(Duration.ofSeconds(5), Duration.ofMinutes(1)).build())
                .build();
    }

    /** Blocks the job "hang" until it is cancelled; every other job gives a document at once. */
    static final class Hanging implements Extractor {
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public Document extract(Job job, dev.docket.queue.ExtractionContext ctx) throws Exception {
            if (job.documentNumber().equals("hang")) {
                CountDownLatch cancelled = new CountDownLatch(1);
                ctx.onCancel(cancelled::countDown);
                entered.countDown();
                cancelled.await();
                throw new InterruptedException("cancelled");
            }
            return pdf(job);
        }
    }

    @Test
    void claimsAndRunsJobsOnTheCallingThreadRecordingTheirOutcomes() {
        Job a = store.enqueue(NewJob.of("s", "a"));
        Job b = store.enqueue(NewJob.of("s", "b"));
        Job c = store.enqueue(NewJob.builder("s", "c").runAfter(clock.instant().plusSeconds(60)).build());
        ManualWorker w = worker("w1", (job, ctx) -> pdf(job));

        assertThat(w.state()).isEqualTo(WorkerState.STARTING);
        List<Job> claimed = w.claimAndRunOnce();
        assertThat(claimed).extracting(Job::id).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(store.find(a.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(store.find(b.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(w.outcomes()).extracting(ManualWorker.Outcome::kind)
                .containsExactly(JobOutcome.Kind.COMPLETED, JobOutcome.Kind.COMPLETED);
        assertThat(w.inFlightCount()).isZero();
        assertThat(w.state()).isEqualTo(WorkerState.RUNNING);

        assertThat(w.claimAndRunOnce()).isEmpty(); // c is not due
        clock.advance(Duration.ofSeconds(61));
        assertThat(w.claimAndRunOnce()).extracting(Job::id).containsExactly(c.id());
        w.close();
        assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
    }

    @Test
    void aHangingExtractorIsTimedOutByAdvancingTheClock() throws Exception {
        Job j = store.enqueue(NewJob.of("s", "hang"));
        Hanging extractor = new Hanging();
        ManualWorker w = worker("w1", extractor);
        CompletableFuture<List<Job>> run = CompletableFuture.supplyAsync(w::claimAndRunOnce, testThread);
        assertThat(extractor.entered.await(20, TimeUnit.SECONDS)).isTrue();

        w.heartbeatOnce(); // renews the lease; nothing is overdue
        assertThat(w.checkTimeoutsOnce()).isEmpty();
        clock.advance(TIMEOUT.minusSeconds(1));
        w.heartbeatOnce();
        assertThat(w.checkTimeoutsOnce()).isEmpty();
        clock.advance(Duration.ofSeconds(2)); // past the timeout; the ticker has not moved: the clock decides
        assertThat(w.checkTimeoutsOnce()).containsExactly(j.id());

        assertThat(run.get(20, TimeUnit.SECONDS)).extracting(Job::id).containsExactly(j.id());
        Job after = store.find(j.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.PENDING);
        assertThat(after.lastError()).contains("timed out after 1m");
        assertThat(store.events(j.id())).extracting(JobEvent::type).contains(JobEventType.TIMED_OUT);
        assertThat(w.outcomes()).extracting(ManualWorker.Outcome::kind).containsExactly(JobOutcome.Kind.RETRY);
        assertThat(w.abandonedExtractions()).isZero(); // its extract() returned when cancelled
        assertThat(w.inFlightCount()).isZero();
    }

    @Test
    void theTickerAloneTimesAJobOutToo() throws Exception {
        Job j = store.enqueue(NewJob.of("s", "hang"));
        Hanging extractor = new Hanging();
        ManualWorker w = worker("w1", extractor);
        CompletableFuture<List<Job>> run = CompletableFuture.supplyAsync(w::claimAndRunOnce, testThread);
        assertThat(extractor.entered.await(20, TimeUnit.SECONDS)).isTrue();
        w.manualTicker().advance(TIMEOUT.plusMillis(1));
        assertThat(w.checkTimeoutsOnce()).containsExactly(j.id());
        run.get(20, TimeUnit.SECONDS);
        assertThat(store.find(j.id()).orElseThrow().lastError()).contains("timed out");
    }

    @Test
    void aJobWhoseWorkerStoppedHeartbeatingIsRescuedByAnotherAndTheFirstLearnsItLostTheLease() throws Exception {
        Job j = store.enqueue(NewJob.of("s", "hang"));
        Hanging extractor = new Hanging();
        ManualWorker first = worker("w1", extractor);
        ManualWorker second = worker("w2", (job, ctx) -> pdf(job));
        CompletableFuture<List<Job>> run = CompletableFuture.supplyAsync(first::claimAndRunOnce, testThread);
        assertThat(extractor.entered.await(20, TimeUnit.SECONDS)).isTrue();

        first.heartbeatOnce();
        clock.advance(LEASE.minusSeconds(1));
        assertThat(second.staleCheckOnce()).isEmpty(); // the lease still holds
        clock.advance(Duration.ofSeconds(2)); // w1 missed its heartbeats: the lease expired
        assertThat(second.staleCheckOnce()).extracting(Job::id).containsExactly(j.id());
        assertThat(store.find(j.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);

        first.heartbeatOnce(); // w1 comes back: the store says the lease is gone, so it aborts the extraction
        run.get(20, TimeUnit.SECONDS);
        assertThat(store.events(j.id())).extracting(JobEvent::type).contains(JobEventType.LEASE_LOST);
        assertThat(first.outcomes()).isEmpty();

        assertThat(second.claimAndRunOnce()).extracting(Job::id).containsExactly(j.id());
        assertThat(store.find(j.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(store.find(j.id()).orElseThrow().attempts()).isEqualTo(2);
    }
}
