package dev.docket.queue.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSinkHealth;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.Extractor;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerHealth;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.WorkerState;
import dev.docket.queue.s3.testing.LoopbackProxy;
import dev.docket.queue.testing.Await;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The S3 sink in a {@link WorkerRuntime}: what a worker does when the store goes away, refuses it, or is slower
 * than the job's time. Needs the runtime to act on {@link dev.docket.queue.DocumentSinkException} kinds and on
 * {@link dev.docket.queue.DocumentSink#health()} (WorkerRuntime: ensureSinkReady / classify).

 */
class S3SinkRuntimeTest {
    private static final int KIB = 1024;
    private S3Fixture s3;
    private final InMemoryJobStore store = new InMemoryJobStore();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicInteger extractions = new AtomicInteger();
    private volatile byte[] content;

    @BeforeEach
    void start() throws Exception {
        s3 = S3Fixture.start(); // an instance of its own: the tests stop it
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private final Extractor extractor = new Extractor() {
        @Override
        public Document extract(Job job, ExtractionContext context) {
            extractions.incrementAndGet();
            return Document.of(content, "application/pdf");
        }
    };

    private WorkerRuntime runtime(S3DocumentSink sink, Duration jobTimeout) {
        closeables.add(sink);
        WorkerRuntime r = WorkerRuntime.builder(store, extractor).documentSink(sink)
                .config(WorkerConfig.builder().workerId("w-s3").concurrency(1).lease(Duration.ofSeconds(30))
                        .heartbeatInterval(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .jobTimeout(jobTimeout).retryBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                        .extractorRestartBackoff(Duration.ofMillis(50)).shutdownGracePeriod(Duration.ofSeconds(2))
                        .build())
                .start();
        closeables.add(r);
        return r;
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Test
    void theServerStoppedMidUploadReleasesTheJobWithoutAnAttemptAndItCompletesWhenTheServerIsBack() throws Exception {
        LoopbackProxy proxy = new LoopbackProxy(s3.server.port());
        closeables.add(proxy);
        // 256 KiB/s: the 1 MiB upload takes 4 s, time enough to stop the server in the middle of it
        S3DocumentSink sink = S3DocumentSink.create(S3Fixture.config(proxy.endpoint()).uploadBytesPerSecond(256 * KIB)
                .build());
        content = random(1024 * KIB);
        Job job = store.enqueue(NewJob.of("registry-a", "doc-1"));
        long before = proxy.clientBytes();
        WorkerRuntime r = runtime(sink, Duration.ofMinutes(1));

        Await.until("the upload is under way", () -> extractions.get() == 1 && proxy.clientBytes() > before + 128 * KIB);
        s3.server.stop();

        Job released = Await.value("the job released", () -> store.find(job.id()).orElseThrow(),
                j -> j.status() == JobStatus.PENDING && j.lastError() != null);
        assertThat(released.attempts()).as("the attempt is not spent").isZero();
        assertThat(released.lastError()).contains("document sink").contains("unreachable");
        Await.until("the worker is DEGRADED", () -> r.state() == WorkerState.DEGRADED);
        assertThat(r.health().status()).isEqualTo(WorkerHealth.Status.DEGRADED);
        assertThat(String.join(" ", r.health().reasons())).contains("document sink").contains("unreachable");

        s3.server.restart();

        Job done = Await.value("the job completed", () -> store.find(job.id()).orElseThrow(),
                j -> j.status() == JobStatus.COMPLETED);
        assertThat(done.attempts()).isEqualTo(1);
        StoredDocument stored = StoredDocument.of(done).orElseThrow();
        try (InputStream in = sink.open(stored)) {
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())))
                    .isEqualTo(stored.sha256());
        }
        Await.until("the worker is RUNNING again", () -> r.state() == WorkerState.RUNNING);
    }

    @Test
    void accessDeniedMakesTheWorkerDegradedAndItClaimsNothing() throws Exception {
        AtomicInteger healthChecks = new AtomicInteger();
        S3DocumentSink denied = S3DocumentSink.create(s3.config().credentials("NOT-A-KEY", "x").build());
        content = random(10);
        Job job = store.enqueue(NewJob.of("registry-a", "doc-1"));
        WorkerRuntime r = WorkerRuntime.builder(store, extractor).documentSink(new CountingHealth(denied, healthChecks))
                .config(WorkerConfig.builder().workerId("w-denied").concurrency(1).pollInterval(Duration.ofMillis(20))
                        .extractorRestartBackoff(Duration.ofMillis(20)).build())
                .start();
        closeables.add(denied);
        closeables.add(r);

        Await.until("the worker is DEGRADED", () -> r.state() == WorkerState.DEGRADED);
        Await.until("the sink was checked again (with back-off)", () -> healthChecks.get() >= 3);

        assertThat(String.join(" ", r.health().reasons())).contains("InvalidAccessKeyId").contains("403");
        Job still = store.find(job.id()).orElseThrow();
        assertThat(still.status()).isEqualTo(JobStatus.PENDING);
        assertThat(still.attempts()).isZero();
        assertThat(extractions.get()).isZero();
    }

    @Test
    void anUploadSlowerThanTheJobsRemainingTimeIsAbortedWithTheJob() throws Exception {
        AtomicInteger storesEnded = new AtomicInteger();
        // 64 KiB/s: 1 MiB would take 16 s; the job has 1 s
        S3DocumentSink slow = S3DocumentSink.create(s3.config().uploadBytesPerSecond(64 * KIB).build());
        content = random(1024 * KIB);
        Job job = store.enqueue(NewJob.of("registry-a", "doc-1"));
        closeables.add(slow);
        WorkerRuntime r = WorkerRuntime.builder(store, extractor).documentSink(new CountingStores(slow, storesEnded))
                .config(WorkerConfig.builder().workerId("w-slow").concurrency(1).pollInterval(Duration.ofMillis(20))
                        .jobTimeout(Duration.ofSeconds(1)).retryBackoff(Duration.ofMinutes(5), Duration.ofMinutes(10))
                        .build())
                .start();
        closeables.add(r);

        Job timedOut = Await.value("the job timed out", () -> store.find(job.id()).orElseThrow(),
                j -> j.status() == JobStatus.PENDING && j.lastError() != null);
        assertThat(timedOut.lastError()).contains("timed out");
        // the upload stops with the job (long before the 16 s it would take), leaving no object
        Await.until("the upload was aborted", Duration.ofSeconds(8), () -> storesEnded.get() == 1);
        assertThat(s3.keys("docket/" + slow.config().queueName() + "/")).isEmpty();
    }

    /** Counts health checks. */
    private static final class CountingHealth extends Delegating {
        private final AtomicInteger checks;

        CountingHealth(S3DocumentSink d, AtomicInteger checks) {
            super(d);
            this.checks = checks;
        }

        @Override
        public DocumentSinkHealth health() {
            checks.incrementAndGet();
            return super.health();
        }
    }

    /** Counts store calls that returned or threw. */
    private static final class CountingStores extends Delegating {
        private final AtomicInteger ended;

        CountingStores(S3DocumentSink d, AtomicInteger ended) {
            super(d);
            this.ended = ended;
        }

        @Override
        public StoredDocument store(Job job, Document document, ExtractionContext context) throws java.io.IOException {
            try {
                return super.store(job, document, context);
            } finally {
                ended.incrementAndGet();
            }
        }

        @Override
        public StoredDocument store(Job job, Document document) throws java.io.IOException {
            try {
                return super.store(job, document);
            } finally {
                ended.incrementAndGet();
            }
        }
    }

    private static class Delegating implements dev.docket.queue.DocumentSink {
        private final S3DocumentSink d;

        Delegating(S3DocumentSink d) {
            this.d = d;
        }

        @Override
        public StoredDocument store(Job job, Document document) throws java.io.IOException {
            return d.store(job, document);
        }

        @Override
        public StoredDocument store(Job job, Document document, ExtractionContext context) throws java.io.IOException {
            return d.store(job, document, context);
        }

        @Override
        public void discard(Job job, StoredDocument document) throws java.io.IOException {
            d.discard(job, document);
        }

        @Override
        public DocumentSinkHealth health() {
            return d.health();
        }
    }
}
