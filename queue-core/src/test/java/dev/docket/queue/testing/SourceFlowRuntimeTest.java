package dev.docket.queue.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Document;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Extractor;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobQueue;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.spi.JobOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime's side of source flow control, driven step by step on a manual clock. */
class SourceFlowRuntimeTest {
    @TempDir
    Path dir;
    final ManualClock clock = ManualClock.startingNow();
    final InMemoryJobStore store = new InMemoryJobStore(clock);
    final JobQueue queue = JobQueue.of(store);

    ManualWorker worker(String id, Extractor extractor) {
        return ManualWorker.builder(store, extractor).clock(clock).documentSink(new FileSystemDocumentSink(dir))
                .config(WorkerConfig.builder().workerId(id).concurrency(4).lease(Duration.ofSeconds(30))
                        .retryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(20)).build())
                .build();
    }

    static Document pdf(Job job) {
        return Document.of(("%PDF-1.4 " + job.documentNumber()).getBytes(StandardCharsets.UTF_8), "application/pdf");
    }

    private SourceStatus status(String source) {
        return queue.source(source).orElseThrow();
    }

    @Test
    void aThrottledJobGoesBackWithoutSpendingItsAttemptAndBlocksOnlyItsSource() {
        Job a = queue.enqueue(NewJob.of("a", "1"));
        AtomicBoolean throttle = new AtomicBoolean(true);
        try (ManualWorker w = worker("w1", (job, ctx) -> {
            if (job.documentSource().equals("a") && throttle.get()) {
                throw ExtractionException.throttled(Duration.ofSeconds(90), "HTTP 429 Too Many Requests");
            }
            return pdf(job);
        })) {
            w.claimAndRunOnce();
            Job after = store.find(a.id()).orElseThrow();
            assertThat(after.status()).isEqualTo(JobStatus.PENDING);
            assertThat(after.attempts()).isZero();
            assertThat(store.events(a.id())).extracting(JobEvent::type).containsExactly(JobEventType.THROTTLED);
            assertThat(w.outcomes()).extracting(ManualWorker.Outcome::kind).containsExactly(JobOutcome.Kind.THROTTLED);
            assertThat(status("a").describeState()).startsWith("blocked until ").endsWith(": HTTP 429 Too Many Requests");

            Job b = queue.enqueue(NewJob.of("b", "1"));
            assertThat(w.claimAndRunOnce()).extracting(Job::id).containsExactly(b.id());
            throttle.set(false);
            clock.advance(Duration.ofSeconds(89));
            assertThat(w.claimAndRunOnce()).as("still blocked").isEmpty();
            clock.advance(Duration.ofSeconds(2));
            assertThat(w.claimAndRunOnce()).extracting(Job::id).containsExactly(a.id());
            assertThat(store.find(a.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        }
    }

    @Test
    void aLongOutageOpensTheCircuitProbesOncePerCoolDownAndFailsNoJob() {
        queue.setSourcePolicy("down", SourcePolicy.builder()
                .breaker(3, Duration.ofSeconds(30), Duration.ofMinutes(2)).build());
        for (int i = 0; i < 20; i++) {
            queue.enqueue(NewJob.builder("down", "d-" + i).maxAttempts(3).build());
        }
        AtomicBoolean up = new AtomicBoolean(false);
        AtomicInteger callsToDown = new AtomicInteger();
        AtomicInteger otherDone = new AtomicInteger();
        Extractor extractor = (job, ctx) -> {
            if (job.documentSource().equals("down")) {
                callsToDown.incrementAndGet();
                if (!up.get()) {
                    throw new IOException("connection refused");
                }
            } else {
                otherDone.incrementAndGet();
            }
            return pdf(job);
        };
        try (ManualWorker w1 = worker("w1", extractor); ManualWorker w2 = worker("w2", extractor)) {
            // a one-hour outage, both workers claiming every 10 s, another source's jobs arriving all along
            for (int step = 0; step < 360; step++) {
                queue.enqueue(NewJob.of("fine", "f-" + step));
                w1.claimAndRunOnce();
                w2.claimAndRunOnce();
                clock.advance(Duration.ofSeconds(10));
            }
            assertThat(queue.sources().stream().mapToLong(SourceStatus::failedLast60m).sum()).isZero();
            assertThat(status("down").state()).isIn(SourceStatus.State.OPEN, SourceStatus.State.HALF_OPEN);
            // 3 to open, then one probe per cool-down (30 s, 60 s, then every 2 min): about 30 in an hour, not 2000
            assertThat(callsToDown.get()).isBetween(4, 40);
            assertThat(otherDone.get()).isEqualTo(360);

            up.set(true);
            for (int step = 0; step < 30; step++) {
                w1.claimAndRunOnce();
                w2.claimAndRunOnce();
                clock.advance(Duration.ofSeconds(10));
            }
            assertThat(status("down").state()).isEqualTo(SourceStatus.State.CLOSED);
            assertThat(status("down").completedLast60m()).isEqualTo(20);
            assertThat(status("down").failedLast60m()).isZero();
        }
    }

    /** The snippets of docs/sources.md and the README, compiled here. */
    @Test
    void theDocumentedSnippetsWork() {
        JobQueue queue = JobQueue.of(store);
        queue.setSourcePolicy("registry-a", SourcePolicy.builder()
                .concurrency(4)
                .rate(SourcePolicy.Rate.perSecond(20).withBurst(5))
                .breaker(5, Duration.ofSeconds(30), Duration.ofMinutes(10))
                .build());
        queue.pauseSource("registry-b", "registry maintenance until 06:00");
        queue.resumeSource("registry-b");
        for (SourceStatus s : queue.sources()) {
            System.out.println(s.source() + " " + s.describeState() + " " + s.processing() + "/" + s.policy().concurrency());
        }
        assertThat(queue.sourcePolicy("registry-a").orElseThrow().concurrency()).hasValue(4);
        Extractor polite = (job, ctx) -> {
            throw ExtractionException.throttled(Duration.ofSeconds(120), "HTTP 429 from registry-a");
        };
        assertThat(polite).isNotNull();
    }

    @Test
    void aPausedSourceIsNotClaimedUntilResumed() {
        queue.pauseSource("a", "registry asked us to stop for the night");
        Job a = queue.enqueue(NewJob.of("a", "1"));
        try (ManualWorker w = worker("w1", (job, ctx) -> pdf(job))) {
            assertThat(w.claimAndRunOnce()).isEmpty();
            assertThat(queue.resumeSource("a")).isTrue();
            assertThat(w.claimAndRunOnce()).extracting(Job::id).containsExactly(a.id());
        }
        assertThat(queue.sourceHistory("a", 10)).hasSize(2);
    }
}
