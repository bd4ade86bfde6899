package dev.docket.queue;

import dev.docket.queue.spi.JobStore;
import dev.docket.queue.spi.WorkerHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import dev.docket.queue.testing.Await;
import dev.docket.queue.testing.FaultInjectingJobStore;
import dev.docket.queue.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * What the runtime tests share: an in-memory store on a manual clock, a documents directory, runtimes and
 * latches released and closed after each test, and a config whose heartbeats and stale checks the tests
 * drive themselves.
 */
abstract class RuntimeFixture {
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    ManualClock clock;
    InMemoryJobStore store;
    final List<WorkerRuntime> runtimes = new ArrayList<>();
    final List<CountDownLatch> toRelease = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        store = new InMemoryJobStore(clock);
    }

    @AfterEach
    void tearDown() {
        toRelease.forEach(CountDownLatch::countDown);
        runtimes.forEach(WorkerRuntime::close);
    }

    WorkerConfig.Builder config(String workerId) {
        return WorkerConfig.builder()
                .workerId(workerId)
                .concurrency(2)
                .lease(LEASE)
                .heartbeatInterval(Duration.ofSeconds(29)) // tests drive heartbeats themselves
                .staleCheckInterval(Duration.ofHours(1)) // and stale checks
                .pollInterval(Duration.ofMillis(20))
                .jobTimeout(JOB_TIMEOUT)
                .retryBackoff(Duration.ofSeconds(5), Duration.ofMinutes(10))
                .extractorRestartBackoff(Duration.ofMillis(10))
                .shutdownGracePeriod(Duration.ofSeconds(5));
    }

    WorkerRuntime start(JobStore s, Extractor extractor, WorkerConfig config, WorkerListener... listeners) {
        WorkerRuntime.Builder b = WorkerRuntime.builder(s, extractor).config(config).clock(clock)
                .documentSink(new FileSystemDocumentSink(dir));
        for (WorkerListener l : listeners) {
            b.listener(l);
        }
        WorkerRuntime r = b.start();
        runtimes.add(r);
        return r;
    }

    static Document pdf(Job job) {
        return Document.of(("%PDF-1.4 document " + job.documentNumber()).getBytes(StandardCharsets.UTF_8),
                "application/pdf");
    }

    /** An extractor that counts {@code entered} down, then waits for {@code release} before it returns a PDF. */
    static Extractor waitingFor(CountDownLatch entered, CountDownLatch release) {
        return (job, ctx) -> {
            entered.countDown();
            release.await();
            return pdf(job);
        };
    }

    Job job(long id) {
        return store.find(id).orElseThrow();
    }

    void awaitStatus(long id, JobStatus status) {
        Await.until("job " + id + " " + status, () -> job(id).status() == status);
    }

    CountDownLatch latch() {
        CountDownLatch l = new CountDownLatch(1);
        toRelease.add(l);
        return l;
    }
}
