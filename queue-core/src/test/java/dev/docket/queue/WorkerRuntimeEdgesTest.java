package dev.docket.queue;

import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.spi.WorkerHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.testing.Await;
import dev.docket.queue.testing.FaultInjectingJobStore;
import dev.docket.queue.testing.ForwardingJobStore;
import dev.docket.queue.testing.ManualClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's guarantees at the edges (issue #11): a stale owner's late document, heartbeats racing a
 * job's own completion, a job claimed again while its earlier claim is being written.
 */
class WorkerRuntimeEdgesTest extends RuntimeFixture {
    final List<String> leaseLost = new CopyOnWriteArrayList<>();

    WorkerRuntime start(JobStore s, Extractor extractor, WorkerConfig config) {
        return start(s, extractor, config, new WorkerListener() {
            @Override
            public void onLeaseLost(long jobId, String reason) {
                leaseLost.add(jobId + ": " + reason);
            }
        });
    }

    /** A store whose asynchronous finishing write is its synchronous one, so one override sees both paths. */
    static class SyncFinish extends ForwardingJobStore {
        SyncFinish(JobStore delegate) {
            super(delegate);
        }

        @Override
        public CompletionStage<Job> finishAsync(JobLease lease, JobOutcome outcome) {
            try {
                return CompletableFuture.completedFuture(finish(lease, outcome));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    List<Path> documents() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).collect(Collectors.toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static Document pdf(String text) {
        return Document.of(text.getBytes(StandardCharsets.UTF_8), "application/pdf");
    }

    /** The file the job's recorded result points to (read from the result's "uri"). */
    static Path recordedFile(Job job) {
        String result = job.result();
        int i = result.indexOf("\"uri\"");
        int start = result.indexOf('"', result.indexOf(':', i) + 1) + 1;
        return Path.of(URI.create(result.substring(start, result.indexOf('"', start))));
    }

    // ------------------------------------------------------------------ item 1: stale writers

    @Test
    void aStaleOwnersLateDocumentNeverReplacesTheDocumentOfTheWriteThatWon() throws Exception {
        Job enqueued = store.enqueue(NewJob.of("registry-a", "doc-1"));
        CountDownLatch staleStarted = new CountDownLatch(1);
        CountDownLatch release = latch();
        start(store, (job, ctx) -> {
            staleStarted.countDown();
            release.await();
            return pdf("%PDF-1.4 late document of the stale owner");
        }, config("w-stale").concurrency(1).build());
        assertThat(staleStarted.await(10, TimeUnit.SECONDS)).isTrue();

        // the old system's plain reset: the job is taken away and completed by a new owner
        Job held = job(enqueued.id());
        store.reset(new StaleJob(held, "operator reset"), StaleDecision.requeue(Duration.ZERO), "operator");
        Job owner = store.claim("w-new", 1, LEASE).get(0);
        byte[] winnerBytes = "%PDF-1.4 the new owner's document".getBytes(StandardCharsets.UTF_8);
        FileSystemDocumentSink newOwnersSink = new FileSystemDocumentSink(dir);
        StoredDocument won = newOwnersSink.store(owner, Document.of(winnerBytes, "application/pdf"));
        store.finish(owner.lease(), JobOutcome.completed(won.toJson()));

        release.countDown(); // the stale owner's extraction returns and its finishing write is rejected
        Await.until("the stale owner saw its lease lost", () -> !leaseLost.isEmpty());
        Await.until("the loser's document is removed", () -> documents().size() == 1);

        Job done = job(enqueued.id());
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        Path file = recordedFile(done);
        assertThat(file).hasBinaryContent(winnerBytes);
        assertThat(done.result()).contains(sha256(Files.readAllBytes(file)));
        assertThat(documents()).containsExactly(file);
    }

    @Test
    void twoQueuesSharingOneDocumentDirectoryNeverOverwriteEachOther() throws Exception {
        InMemoryJobStore other = new InMemoryJobStore(clock);
        Job mine = store.enqueue(NewJob.of("registry-a", "doc-1"));
        Job theirs = other.enqueue(NewJob.of("registry-a", "doc-1"));
        assertThat(theirs.id()).isEqualTo(mine.id());
        start(store, (job, ctx) -> pdf("%PDF-1.4 queue one"), config("w-one").build());
        start(other, (job, ctx) -> pdf("%PDF-1.4 queue two"), config("w-two").build());

        Await.until("both completed", () -> job(mine.id()).status() == JobStatus.COMPLETED
                && other.find(theirs.id()).orElseThrow().status() == JobStatus.COMPLETED);

        assertThat(recordedFile(job(mine.id()))).hasContent("%PDF-1.4 queue one");
        assertThat(recordedFile(other.find(theirs.id()).orElseThrow())).hasContent("%PDF-1.4 queue two");
    }

    // ------------------------------------------------------------------ item 7: spurious lease loss

    @Test
    void aHeartbeatRacingADelayedFinishingWriteReportsNoLeaseLoss() throws Exception {
        AtomicReference<WorkerRuntime> runtime = new AtomicReference<>();
        AtomicBoolean storeDown = new AtomicBoolean(true);
        AtomicInteger racedHeartbeats = new AtomicInteger();
        JobStore racing = new SyncFinish(store) {
            @Override
            public Job finish(JobLease lease, JobOutcome outcome) {
                if (storeDown.get()) {
                    throw FaultInjectingJobStore.transientError();
                }
                Job written = super.finish(lease, outcome);
                // the write has committed, its caller has not seen the answer yet: a heartbeat runs now
                runtime.get().heartbeat();
                racedHeartbeats.incrementAndGet();
                return written;
            }
        };
        Job enqueued = store.enqueue(NewJob.of("registry-a", "doc-1"));
        runtime.set(start(racing, (job, ctx) -> pdf("%PDF-1.4 x"), config("w1").build()));
        Await.until("the outcome waits for the store", () -> runtime.get().inFlightCount() == 0
                && job(enqueued.id()).status() == JobStatus.PROCESSING);

        storeDown.set(false);
        Await.until("the delayed write went through", () -> job(enqueued.id()).status() == JobStatus.COMPLETED);
        Await.until("the raced heartbeat ran", () -> racedHeartbeats.get() > 0);
        runtime.get().heartbeat();

        assertThat(leaseLost).isEmpty();
        assertThat(store.events(enqueued.id())).extracting(JobEvent::type).doesNotContain(JobEventType.LEASE_LOST);
    }

    @Test
    void aHeartbeatRacingTheAsynchronousFinishingWriteReportsNoLeaseLoss() throws Exception {
        AtomicReference<WorkerRuntime> runtime = new AtomicReference<>();
        AtomicInteger racedHeartbeats = new AtomicInteger();
        JobStore racing = new ForwardingJobStore(store) {
            @Override
            public CompletionStage<Job> finishAsync(JobLease lease, JobOutcome outcome) {
                Job written = super.finish(lease, outcome);
                runtime.get().heartbeat();
                racedHeartbeats.incrementAndGet();
                return CompletableFuture.completedFuture(written);
            }
        };
        Job enqueued = store.enqueue(NewJob.of("registry-a", "doc-1"));
        runtime.set(start(racing, (job, ctx) -> pdf("%PDF-1.4 x"), config("w1").build()));

        Await.until("completed", () -> job(enqueued.id()).status() == JobStatus.COMPLETED && racedHeartbeats.get() > 0);
        Await.until("slot freed", () -> runtime.get().inFlightCount() == 0);

        assertThat(leaseLost).isEmpty();
        assertThat(store.events(enqueued.id())).extracting(JobEvent::type).doesNotContain(JobEventType.LEASE_LOST);
    }

    @Test
    void aWriteThatCommittedButReportedAnErrorIsNotALeaseLoss() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        JobStore flaky = new SyncFinish(store) {
            @Override
            public Job finish(JobLease lease, JobOutcome outcome) {
                Job written = super.finish(lease, outcome);
                if (calls.incrementAndGet() == 1) {
                    // committed, but the connection broke before the answer came back
                    throw FaultInjectingJobStore.transientError();
                }
                return written;
            }
        };
        Job enqueued = store.enqueue(NewJob.of("registry-a", "doc-1"));
        WorkerRuntime r = start(flaky, (job, ctx) -> pdf("%PDF-1.4 x"), config("w1").build());

        Await.until("completed and recorded", () -> r.completedCount() == 1);

        assertThat(leaseLost).isEmpty();
        assertThat(store.events(enqueued.id())).extracting(JobEvent::type).doesNotContain(JobEventType.LEASE_LOST);
        assertThat(recordedFile(job(enqueued.id()))).hasContent("%PDF-1.4 x");
    }

    @Test
    void aJobClaimedAgainWhileItsReleaseIsBeingRecordedLosesNoLeaseAndNoSlot() throws Exception {
        CompletableFuture<Void> firstWriteAnswered = new CompletableFuture<>();
        AtomicInteger claimsOfTheJob = new AtomicInteger();
        AtomicInteger finishes = new AtomicInteger();
        JobStore racing = new ForwardingJobStore(store) {
            @Override
            public CompletionStage<Job> finishAsync(JobLease lease, JobOutcome outcome) {
                Job written = super.finish(lease, outcome);
                if (finishes.incrementAndGet() == 1) {
                    // the release is committed (the job is claimable again) but its answer is held back
                    return firstWriteAnswered.thenApply(v -> written);
                }
                return CompletableFuture.completedFuture(written);
            }

            @Override
            public List<Job> claim(String workerId, int limit, Duration lease) {
                List<Job> jobs = super.claim(workerId, limit, lease);
                if (!jobs.isEmpty() && claimsOfTheJob.incrementAndGet() == 2) {
                    // claimed again: let the first write's answer arrive after this claim is dispatched
                    CompletableFuture.runAsync(() -> firstWriteAnswered.complete(null),
                            CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
                }
                return jobs;
            }
        };
        Job enqueued = store.enqueue(NewJob.of("registry-a", "doc-1"));
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch release = latch();
        WorkerRuntime r = start(racing, (job, ctx) -> {
            int attempt = attempts.incrementAndGet();
            if (attempt == 1) {
                // retry at once: the job is PENDING and claimable as soon as the write commits
                throw ExtractionException.transientFailure("try again", null);
            }
            if (attempt > 2) {
                bothRunning.countDown();
                release.await();
            }
            return pdf("%PDF-1.4 attempt " + attempt);
        }, config("w1").concurrency(2).retryBackoff(Duration.ZERO, Duration.ZERO).build());

        Await.until("completed on the second claim", () -> job(enqueued.id()).status() == JobStatus.COMPLETED);
        Await.until("every slot back", () -> r.inFlightCount() == 0);

        assertThat(leaseLost).isEmpty();
        assertThat(store.events(enqueued.id())).extracting(JobEvent::type).doesNotContain(JobEventType.LEASE_LOST);
        // no slot leaked: two new jobs run at once on the same runtime
        store.enqueue(NewJob.of("registry-a", "doc-2"));
        store.enqueue(NewJob.of("registry-a", "doc-3"));
        assertThat(bothRunning.await(10, TimeUnit.SECONDS)).as("both slots in use").isTrue();
    }

    // ------------------------------------------------------------------ item 6: abandoned extraction threads

    /** Waits for {@code latch} and ignores every interrupt, as a badly written extractor does. */
    static void awaitIgnoringInterrupts(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignoredOnPurpose) {
                // this extractor ignores interruption: the runtime must cope
            }
        }
    }

    @Test
    void extractionThreadsThatIgnoreInterruptionAreCountedAndAboveTheLimitNothingIsClaimedAndTheExtractorRestarts() {
        CountDownLatch unblock = latch();
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger closes = new AtomicInteger();
        AtomicInteger hanging = new AtomicInteger();
        Extractor stubborn = new Extractor() {
            @Override
            public void start() {
                starts.incrementAndGet();
            }

            @Override
            public Document extract(Job job, ExtractionContext context) {
                if (job.documentNumber().startsWith("hang")) {
                    hanging.incrementAndGet();
                    awaitIgnoringInterrupts(unblock);
                }
                return pdf("%PDF-1.4 " + job.documentNumber());
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        Job hang1 = store.enqueue(NewJob.of("registry-a", "hang-1"));
        Job hang2 = store.enqueue(NewJob.of("registry-a", "hang-2"));
        Job ok = store.enqueue(NewJob.of("registry-a", "ok-3"));
        WorkerRuntime r = start(store, stubborn, config("w1").concurrency(1).jobTimeout(Duration.ofMinutes(1)).build());

        Await.until("hang-1 runs", () -> hanging.get() == 1);
        clock.advance(Duration.ofMinutes(2));
        r.checkTimeouts();
        Await.until("hang-2 runs", () -> hanging.get() == 2);
        assertThat(r.abandonedExtractions()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(2));
        r.checkTimeouts();

        Await.until("DEGRADED with the reason", () -> r.health().status() == WorkerHealth.Status.DEGRADED
                && String.join(" ", r.health().reasons()).contains("ignore interruption"));
        Await.until("the extractor restarted", () -> closes.get() == 1 && starts.get() == 2);
        assertThat(r.abandonedExtractions()).isEqualTo(2);
        assertThat(r.state()).isEqualTo(WorkerState.DEGRADED);
        assertThat(job(ok.id()).status()).isEqualTo(JobStatus.PENDING);
        assertThat(job(hang1.id()).status()).isEqualTo(JobStatus.PENDING);
        assertThat(store.workers()).singleElement().satisfies(w -> assertThat(w.lastError()).contains("ignore interruption"));

        unblock.countDown(); // the hung threads finally return: claiming resumes
        clock.advance(Duration.ofMinutes(1)); // past the retry backoff of the timed-out jobs
        Await.until("every job completed", () -> job(ok.id()).status() == JobStatus.COMPLETED
                && job(hang1.id()).status() == JobStatus.COMPLETED && job(hang2.id()).status() == JobStatus.COMPLETED);
        assertThat(r.abandonedExtractions()).isZero();
        Await.until("UP again", () -> r.health().status() == WorkerHealth.Status.UP);
    }

    // ------------------------------------------------------------------ item 5: a stalled store or extractor

    @Test
    void closeReturnsWithinTheGracePeriodPlusTheMarginWhateverTheStoreAndTheExtractorDo() throws Exception {
        CountDownLatch never = latch();
        AtomicBoolean stalled = new AtomicBoolean();
        JobStore stalling = new ForwardingJobStore(store) {
            private <T> T stallIfAsked(java.util.function.Supplier<T> call) {
                if (stalled.get()) {
                    awaitIgnoringInterrupts(never); // a held table lock: the call never returns
                }
                return call.get();
            }

            @Override
            public Job finish(JobLease lease, JobOutcome outcome) {
                return stallIfAsked(() -> super.finish(lease, outcome));
            }

            @Override
            public CompletionStage<Job> finishAsync(JobLease lease, JobOutcome outcome) {
                return CompletableFuture.supplyAsync(() -> finish(lease, outcome));
            }

            @Override
            public java.util.Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
                return stallIfAsked(() -> super.heartbeat(heartbeat));
            }

            @Override
            public void markWorkerStopped(WorkerInfo worker) {
                stallIfAsked(() -> {
                    super.markWorkerStopped(worker);
                    return null;
                });
            }

            @Override
            public List<Job> claim(String workerId, int limit, Duration lease) {
                return stallIfAsked(() -> super.claim(workerId, limit, lease));
            }
        };
        AtomicInteger running = new AtomicInteger();
        Extractor hanging = new Extractor() {
            @Override
            public Document extract(Job job, ExtractionContext context) {
                running.incrementAndGet();
                awaitIgnoringInterrupts(never);
                return pdf("never");
            }

            @Override
            public void close() {
                awaitIgnoringInterrupts(never);
            }
        };
        store.enqueue(NewJob.of("registry-a", "doc-1"));
        store.enqueue(NewJob.of("registry-a", "doc-2"));
        WorkerRuntime r = start(stalling, hanging, config("w1").shutdownGracePeriod(Duration.ofMillis(200)).build());
        Await.until("both jobs run", () -> running.get() == 2);
        stalled.set(true);

        long t0 = System.nanoTime();
        r.close();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(took).isLessThan(Duration.ofMillis(200).plus(WorkerRuntime.CLOSE_MARGIN).plusSeconds(3));
        assertThat(r.state()).isEqualTo(WorkerState.STOPPED);
    }

    // ------------------------------------------------------------------ item 17 / 19: unwritable results, tokens in errors

    @Test
    void aResultTheStoreRefusesFailsTheJobWithTheReasonInsteadOfLeavingItProcessing() {
        JobStore refusing = new SyncFinish(store) {
            @Override
            public Job finish(JobLease lease, JobOutcome outcome) {
                if (outcome.kind() == JobOutcome.Kind.COMPLETED) {
                    throw new IllegalArgumentException("result must be at most 65536 characters");
                }
                return super.finish(lease, outcome);
            }
        };
        Job enqueued = store.enqueue(NewJob.of("registry-a", "doc-1"));
        start(refusing, (job, ctx) -> pdf("%PDF-1.4 x"), config("w1").build());

        Await.until("failed", () -> job(enqueued.id()).status() == JobStatus.FAILED);
        assertThat(job(enqueued.id()).lastError()).contains("the result could not be stored")
                .contains("at most 65536");
        Await.until("its document removed", () -> documents().isEmpty());
    }

    @Test
    void registryUrlsInRecordedErrorsLoseTheirQueryString() {
        Job enqueued = store.enqueue(NewJob.builder("registry-a", "doc-1").maxAttempts(1).build());
        start(store, (job, ctx) -> {
            throw ExtractionException.permanent("GET https://registry.example/doc/1?token=s3cr3t-t0ken answered 404");
        }, config("w1").build());

        Await.until("failed", () -> job(enqueued.id()).status() == JobStatus.FAILED);
        assertThat(job(enqueued.id()).lastError()).doesNotContain("s3cr3t").contains("https://registry.example/doc/1?");
    }

    // ------------------------------------------------------------------ item 22: one log line per change of state

    @Test
    void aRepeatedExtractorFailureIsLoggedOncePerChangeOfReasonNotAtEveryRetry() {
        assertThat(dev.docket.queue.internal.ExtractorSupervisor.problemReason(
                "extractor failed to start (attempt 7): no chromium at /usr/bin/chromium; retrying in 32s"))
                .isEqualTo(dev.docket.queue.internal.ExtractorSupervisor.problemReason(
                        "extractor failed to start (attempt 8): no chromium at /usr/bin/chromium; retrying in 1m00s"))
                .isEqualTo("extractor failed to start: no chromium at /usr/bin/chromium");
        assertThat(dev.docket.queue.internal.ExtractorSupervisor.problemReason("extractor not ready: browser crashed; restarting it in 2s"))
                .isEqualTo("extractor not ready: browser crashed");
    }
}
