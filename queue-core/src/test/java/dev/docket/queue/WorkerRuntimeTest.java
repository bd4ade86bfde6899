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
 * WorkerRuntime behaviour on the in-memory store with a manual clock. Background work is awaited
 * with {@link Await} (condition + deadline); time-dependent steps (timeouts, lease expiry, stale
 * checks) are driven by advancing the clock and running one heartbeat or stale check.
 */
class WorkerRuntimeTest extends RuntimeFixture {
    // ------------------------------------------------------------------ happy path

    @Test
    void completesEveryJobAndStoresItsDocument() throws Exception {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            jobs.add(store.enqueue(NewJob.of("registry-a", "N" + i)));
        }
        Map<Long, String> mdcSeen = new ConcurrentHashMap<>();
        start(store, (job, ctx) -> {
            mdcSeen.put(job.id(), MDC.get("jobId") + "/" + MDC.get("workerId"));
            return pdf(job);
        }, config("w1").concurrency(4).build());

        for (Job j : jobs) {
            awaitStatus(j.id(), JobStatus.COMPLETED);
        }
        for (Job j : jobs) {
            Job done = job(j.id());
            assertThat(done.attempts()).isEqualTo(1);
            assertThat(done.leaseToken()).isNull();
            assertThat(done.result()).contains("\"sha256\"")
                    .containsPattern("/" + j.id() + "-[0-9a-f-]{36}\\.pdf");
            assertThat(Files.readString(new FileSystemDocumentSink(dir).fileOf(done)))
                    .isEqualTo("%PDF-1.4 document " + j.documentNumber());
            assertThat(mdcSeen.get(j.id())).isEqualTo(j.id() + "/w1");
        }
    }

    @Test
    void neverRunsMoreThanConcurrencyExtractionsAtOnce() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        for (int i = 0; i < 60; i++) {
            store.enqueue(NewJob.of("s", "n" + i));
        }
        start(store, (job, ctx) -> {
            int now = running.incrementAndGet();
            max.accumulateAndGet(now, Math::max);
            Thread.yield();
            running.decrementAndGet();
            return pdf(job);
        }, config("w1").concurrency(3).build());
        Await.until("all completed", () -> store.stats().count(JobStatus.COMPLETED) == 60);
        assertThat(max.get()).isBetween(1, 3);
    }

    // ------------------------------------------------------------------ invariant 2: one finishing write whatever user code does

    @Test
    void runtimeExceptionIsRetriedWithBackoffThenSucceeds() {
        Job j = store.enqueue(NewJob.of("s", "flaky"));
        AtomicInteger calls = new AtomicInteger();
        start(store, (job, ctx) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("registry returned 503");
            }
            return pdf(job);
        }, config("w1").build());

        Job retried = Await.value("job back to PENDING", () -> job(j.id()),
                x -> x.status() == JobStatus.PENDING && x.lastError() != null);
        assertThat(retried.attempts()).isEqualTo(1);
        assertThat(retried.lastError()).contains("registry returned 503");
        Duration delay = Duration.between(clock.instant(), retried.runAfter());
        assertThat(delay).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(6)); // 5s ± 20% jitter
        assertThat(store.events(j.id())).extracting(JobEvent::type).containsExactly(JobEventType.RETRY_SCHEDULED);

        clock.advance(Duration.ofSeconds(7));
        awaitStatus(j.id(), JobStatus.COMPLETED);
        assertThat(job(j.id()).attempts()).isEqualTo(2);
    }

    @Test
    void anErrorFromUserCodeFailsOnlyThatAttemptAndTheRuntimeKeepsWorking() {
        Job bad = store.enqueue(NewJob.builder("s", "error").priority(10).build());
        Job good = store.enqueue(NewJob.of("s", "good"));
        start(store, (job, ctx) -> {
            if (job.documentNumber().equals("error")) {
                throw new AssertionError("extractor bug");
            }
            return pdf(job);
        }, config("w1").concurrency(1).build());

        awaitStatus(good.id(), JobStatus.COMPLETED);
        Job b = Await.value("bad job retried", () -> job(bad.id()), x -> x.status() == JobStatus.PENDING && x.attempts() == 1);
        assertThat(b.lastError()).contains("AssertionError").contains("extractor bug");
    }

    @Test
    void aNullDocumentIsATransientFailure() {
        Job j = store.enqueue(NewJob.of("s", "null"));
        start(store, (job, ctx) -> null, config("w1").build());
        Job after = Await.value("retry scheduled", () -> job(j.id()), x -> x.lastError() != null);
        assertThat(after.status()).isEqualTo(JobStatus.PENDING);
        assertThat(after.lastError()).contains("extractor returned null");
    }

    @Test
    void anExtractionThatIgnoresInterruptsIsTimedOutAndItsSlotReplaced() {
        Job hung = store.enqueue(NewJob.builder("s", "hang").priority(10).build());
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = latch();
        AtomicInteger interruptsIgnored = new AtomicInteger();
        List<WorkerListener> events = new CopyOnWriteArrayList<>();
        List<Job> timedOut = new CopyOnWriteArrayList<>();
        WorkerRuntime r = start(store, (job, ctx) -> {
            if (job.documentNumber().equals("hang")) {
                entered.countDown();
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interruptsIgnored.incrementAndGet(); // a badly behaved extractor
                    }
                }
            }
            return pdf(job);
        }, config("w1").concurrency(1).build(), new WorkerListener() {
            @Override
            public void onTimedOut(Job job, Duration timeout) {
                timedOut.add(job);
            }
        });
        assertThat(await(entered)).isTrue();

        clock.advance(JOB_TIMEOUT.plusSeconds(1));
        r.heartbeat(); // the watchdog runs with every heartbeat

        Job after = Await.value("timed out job back to PENDING", () -> job(hung.id()), x -> x.status() == JobStatus.PENDING);
        assertThat(after.lastError()).contains("timed out after 5m");
        assertThat(store.events(hung.id())).extracting(JobEvent::type).contains(JobEventType.TIMED_OUT);
        assertThat(timedOut).extracting(Job::id).containsExactly(hung.id());
        Await.until("the extractor was interrupted (and ignored it)", () -> interruptsIgnored.get() >= 1);

        // the only slot is free again although the old thread is still stuck: a new job runs
        Job next = store.enqueue(NewJob.of("s", "next"));
        awaitStatus(next.id(), JobStatus.COMPLETED);
        assertThat(events).isEmpty();
    }

    @Test
    void anExtractionThatHonoursInterruptsIsAbortedAndItsCancelCallbackRuns() {
        Job j = store.enqueue(NewJob.of("s", "slow"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch cancelCallback = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        WorkerRuntime r = start(store, (job, ctx) -> {
            ctx.onCancel(cancelCallback::countDown);
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return pdf(job);
        }, config("w1").build());
        assertThat(await(entered)).isTrue();
        clock.advance(JOB_TIMEOUT.plusMillis(1));
        r.heartbeat();
        assertThat(await(cancelCallback)).isTrue();
        assertThat(await(interrupted)).isTrue();
        Job after = Await.value("PENDING again", () -> job(j.id()), x -> x.status() == JobStatus.PENDING);
        assertThat(after.attempts()).isEqualTo(1);
        Await.until("slot freed", () -> r.inFlightCount() == 0);
    }

    @Test
    void aTimeoutOnTheLastAttemptFailsTheJob() {
        Job j = store.enqueue(NewJob.builder("s", "slow").maxAttempts(1).build());
        CountDownLatch entered = new CountDownLatch(1);
        WorkerRuntime r = start(store, (job, ctx) -> {
            entered.countDown();
            new CountDownLatch(1).await();
            return pdf(job);
        }, config("w1").build());
        assertThat(await(entered)).isTrue();
        clock.advance(JOB_TIMEOUT.plusSeconds(1));
        r.heartbeat();
        awaitStatus(j.id(), JobStatus.FAILED);
        assertThat(job(j.id()).lastError()).contains("timed out").contains("attempts exhausted");
    }

    // ------------------------------------------------------------------ error classification

    @Test
    void aPermanentErrorFailsTheJobAtOnce() {
        Job j = store.enqueue(NewJob.builder("s", "missing").maxAttempts(5).build());
        start(store, (job, ctx) -> {
            throw ExtractionException.permanent("document N-404 does not exist");
        }, config("w1").build());
        awaitStatus(j.id(), JobStatus.FAILED);
        Job failed = job(j.id());
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.lastError()).isEqualTo("document N-404 does not exist");
        assertThat(store.events(j.id())).extracting(JobEvent::type).containsExactly(JobEventType.FAILED);
    }

    @Test
    void exhaustedAttemptsFailTheJobKeepingTheLastError() {
        Job j = store.enqueue(NewJob.builder("s", "always-503").maxAttempts(2).build());
        AtomicInteger calls = new AtomicInteger();
        start(store, (job, ctx) -> {
            throw new IllegalStateException("HTTP 503 #" + calls.incrementAndGet());
        }, config("w1").build());
        Await.value("first retry", () -> job(j.id()), x -> x.status() == JobStatus.PENDING && x.attempts() == 1);
        clock.advance(Duration.ofSeconds(10));
        awaitStatus(j.id(), JobStatus.FAILED);
        Job failed = job(j.id());
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.lastError()).startsWith("attempts exhausted (2/2)").contains("HTTP 503 #2");
    }

    @Test
    void anInfrastructureErrorReleasesTheJobWithoutSpendingAnAttemptAndRestartsTheExtractor() {
        Job j = store.enqueue(NewJob.of("s", "browser-dies"));
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger closes = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        start(store, new Extractor() {
            @Override
            public void start() {
                starts.incrementAndGet();
            }

            @Override
            public Document extract(Job job, ExtractionContext context) {
                if (calls.incrementAndGet() == 1) {
                    throw ExtractionException.infrastructure("browser disconnected", null);
                }
                return pdf(job);
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        }, config("w1").build());
        awaitStatus(j.id(), JobStatus.COMPLETED);
        Job done = job(j.id());
        assertThat(done.attempts()).as("the released claim did not count").isEqualTo(1);
        assertThat(store.events(j.id())).extracting(JobEvent::type).containsExactly(JobEventType.RELEASED);
        assertThat(starts.get()).isEqualTo(2);
        assertThat(closes.get()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ invariant 5: extractor not ready claims nothing

    @Test
    void anExtractorThatCannotStartClaimsNothingAndTheWorkerIsDegraded() {
        Job j = store.enqueue(NewJob.of("s", "n"));
        AtomicInteger starts = new AtomicInteger();
        CountDownLatch allowStart = latch();
        WorkerRuntime r = start(store, new Extractor() {
            @Override
            public void start() {
                starts.incrementAndGet();
                if (allowStart.getCount() > 0) {
                    throw new IllegalStateException("chromium not found at /usr/bin/chromium");
                }
            }

            @Override
            public Document extract(Job job, ExtractionContext context) {
                return pdf(job);
            }
        }, config("w1").build());

        Await.until("start retried with back-off", () -> starts.get() >= 3);
        assertThat(job(j.id()).status()).isEqualTo(JobStatus.PENDING);
        assertThat(job(j.id()).attempts()).isZero();
        assertThat(r.state()).isEqualTo(WorkerState.DEGRADED);
        assertThat(r.health().status()).isEqualTo(WorkerHealth.Status.DEGRADED);
        assertThat(r.health().reasons()).anyMatch(s -> s.contains("chromium not found"));
        WorkerInfo row = Await.value("worker row DEGRADED", () -> store.workers().get(0),
                w -> w.state() == WorkerState.DEGRADED);
        assertThat(row.lastError()).contains("chromium not found");

        allowStart.countDown();
        awaitStatus(j.id(), JobStatus.COMPLETED);
        Await.until("worker UP", () -> r.health().status() == WorkerHealth.Status.UP);
        assertThat(r.state()).isEqualTo(WorkerState.RUNNING);
    }

    @Test
    void anExtractorReportingNotReadyClaimsNothingUntilRestarted() {
        AtomicInteger starts = new AtomicInteger();
        CountDownLatch healthy = latch();
        WorkerRuntime r = start(store, new Extractor() {
            @Override
            public void start() {
                starts.incrementAndGet();
            }

            @Override
            public ExtractorHealth health() {
                return healthy.getCount() == 0 ? ExtractorHealth.healthy() : ExtractorHealth.down("browser process died");
            }

            @Override
            public Document extract(Job job, ExtractionContext context) {
                return pdf(job);
            }
        }, config("w1").build());
        Await.until("restarted at least twice", () -> starts.get() >= 2);
        Job j = store.enqueue(NewJob.of("s", "n"));
        Await.until("degraded", () -> r.state() == WorkerState.DEGRADED);
        assertThat(job(j.id()).status()).isEqualTo(JobStatus.PENDING);
        healthy.countDown();
        awaitStatus(j.id(), JobStatus.COMPLETED);
    }

    @Test
    void listenersHearExtractorUpOnFirstStartAndAgainAfterARecovery() {
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch healthy = latch();
        AtomicInteger healthChecks = new AtomicInteger();
        WorkerListener recorder = new WorkerListener() {
            @Override
            public void onExtractorUp() {
                events.add("up");
            }

            @Override
            public void onExtractorDown(String reason, Throwable error) {
                events.add("down");
            }
        };
        start(store, new Extractor() {
            @Override
            public ExtractorHealth health() {
                // ready on the first check, then down until the test lets it recover
                return healthChecks.incrementAndGet() == 1 || healthy.getCount() == 0 ? ExtractorHealth.healthy()
                        : ExtractorHealth.down("browser process died");
            }

            @Override
            public Document extract(Job job, ExtractionContext context) {
                return pdf(job);
            }
        }, config("w1").build(), recorder);
        Await.until("down after the first up", () -> events.contains("down"));
        assertThat(events.get(0)).as("a normal start is announced").isEqualTo("up");
        healthy.countDown();
        Await.until("up again", () -> events.lastIndexOf("up") > events.indexOf("down"));
    }

    @Test
    void aHeartbeatReportingAJobThisWorkerAlreadyFinishedIsNotALeaseLoss() {
        // The race: the heartbeat collects the held leases, the job's finishing write lands, then the
        // renewal finds the job no longer PROCESSING and reports it "not renewed".
        Set<Long> reportAsLost = ConcurrentHashMap.newKeySet();
        dev.docket.queue.testing.FaultInjectingJobStore racing = new dev.docket.queue.testing.FaultInjectingJobStore(store) {
            @Override
            public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
                Set<Long> lost = new java.util.HashSet<>(super.heartbeat(heartbeat));
                lost.addAll(reportAsLost);
                return lost;
            }
        };
        List<Long> lostEvents = new CopyOnWriteArrayList<>();
        WorkerListener listener = new WorkerListener() {
            @Override
            public void onLeaseLost(long jobId, String reason) {
                lostEvents.add(jobId);
            }
        };
        Job j = store.enqueue(NewJob.of("s", "n"));
        WorkerRuntime r = start(racing, (job, ctx) -> pdf(job), config("w1").build(), listener);
        awaitStatus(j.id(), JobStatus.COMPLETED);
        Await.until("the slot is free", () -> r.inFlightCount() == 0);

        reportAsLost.add(j.id());
        r.heartbeat();

        assertThat(lostEvents).isEmpty();
        assertThat(store.events(j.id())).noneMatch(e -> e.type() == JobEventType.LEASE_LOST);
        assertThat(job(j.id()).status()).isEqualTo(JobStatus.COMPLETED);
    }

    // ------------------------------------------------------------------ invariants 1 and 4: crash, stale reset, fencing

    @Test
    void aCrashedWorkersJobsAreResetWithinLeasePlusCheckIntervalAndItsLateCompletionIsRejected() {
        FaultInjectingJobStore crashedView = new FaultInjectingJobStore(store);
        List<Job> jobs = List.of(store.enqueue(NewJob.of("s", "a")), store.enqueue(NewJob.of("s", "b")));
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch unblock = latch();
        Set<Long> leaseLost = ConcurrentHashMap.newKeySet();
        start(crashedView, (job, ctx) -> {
            bothRunning.countDown();
            unblock.await();
            return pdf(job);
        }, config("crashed").concurrency(2).build(), new WorkerListener() {
            @Override
            public void onLeaseLost(long jobId, String reason) {
                leaseLost.add(jobId);
            }
        });
        assertThat(await(bothRunning)).isTrue();
        // the process "dies": it never reaches the database again
        crashedView.failEverything(new StoreException("process is dead (test)", false));

        WorkerConfig survivorConfig = config("survivor").build();
        Set<Long> completedBySurvivor = ConcurrentHashMap.newKeySet();
        WorkerRuntime survivor = start(store, (job, ctx) -> {
            completedBySurvivor.add(job.id());
            return pdf(job);
        }, survivorConfig);

        // not yet: the lease is still valid
        clock.advance(LEASE.minusSeconds(1));
        assertThat(survivor.staleCheckNow()).isEmpty();
        // lease + one check interval later, the survivor's monitor resets them
        clock.advance(Duration.ofSeconds(2));
        assertThat(survivor.staleCheckNow()).extracting(Job::id)
                .containsExactlyInAnyOrderElementsOf(jobs.stream().map(Job::id).collect(Collectors.toList()));
        for (Job j : jobs) {
            awaitStatus(j.id(), JobStatus.COMPLETED);
            assertThat(job(j.id()).resetCount()).isEqualTo(1);
            assertThat(store.events(j.id())).extracting(JobEvent::type).contains(JobEventType.RESET);
        }
        assertThat(completedBySurvivor).hasSize(2);

        // the "dead" worker was only partitioned: it comes back and tries to complete: rejected
        String resultBefore = job(jobs.get(0).id()).result();
        crashedView.heal();
        unblock.countDown();
        Await.until("old owner's writes rejected", () -> leaseLost.size() == 2);
        assertThat(job(jobs.get(0).id()).result()).isEqualTo(resultBefore);
        assertThat(job(jobs.get(0).id()).status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void heartbeatsRenewLeasesSoARunningJobIsNeverReset() {
        Job j = store.enqueue(NewJob.of("s", "long"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch unblock = latch();
        WorkerRuntime r = start(store, waitingFor(entered, unblock), config("w1").build());
        assertThat(await(entered)).isTrue();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(20));
            r.heartbeat();
            assertThat(r.staleCheckNow()).isEmpty();
        }
        unblock.countDown();
        awaitStatus(j.id(), JobStatus.COMPLETED);
        assertThat(job(j.id()).resetCount()).isZero();
    }

    @Test
    void aJobThatFinishesWhileItsLeaseIsBeingRenewedIsNotReportedLost() {
        Job j = store.enqueue(NewJob.of("s", "n"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch finish = latch();
        List<Long> lost = new CopyOnWriteArrayList<>();
        AtomicInteger inFlightAtRenewal = new AtomicInteger(-1);
        WorkerRuntime[] runtime = new WorkerRuntime[1];
        // the job completes between the heartbeat's snapshot of held leases and the store's answer,
        // so the store reports its (finished) lease as not renewed
        FaultInjectingJobStore racing = new FaultInjectingJobStore(store) {
            @Override
            public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
                if (!heartbeat.leases().isEmpty()) {
                    finish.countDown();
                    Await.until("job completed and its slot freed",
                            () -> job(j.id()).status() == JobStatus.COMPLETED && runtime[0].inFlightCount() == 0);
                    inFlightAtRenewal.set(runtime[0].inFlightCount());
                }
                return super.heartbeat(heartbeat);
            }
        };
        runtime[0] = start(racing, (job, ctx) -> {
            entered.countDown();
            finish.await();
            return pdf(job);
        }, config("w1").build(), new WorkerListener() {
            @Override
            public void onLeaseLost(long jobId, String reason) {
                lost.add(jobId);
            }
        });
        assertThat(await(entered)).isTrue();
        runtime[0].heartbeat();
        assertThat(inFlightAtRenewal.get()).isZero();
        assertThat(lost).isEmpty();
        assertThat(store.events(j.id())).extracting(JobEvent::type).doesNotContain(JobEventType.LEASE_LOST);
        assertThat(job(j.id()).status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void finishedJobsLeaveNoTimeoutTimerBehind() {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            jobs.add(store.enqueue(NewJob.of("s", "n" + i)));
        }
        WorkerRuntime r = start(store, (job, ctx) -> pdf(job), config("w1").concurrency(4).build());
        for (Job j : jobs) {
            awaitStatus(j.id(), JobStatus.COMPLETED);
        }
        // no timer per job is left behind when it finishes (a resilience4j TimeLimiter timer once stayed queued for
        // the whole 5 min jobTimeout): only the watchdog is queued
        Await.until("no timeout timer left", () -> r.pendingTimeouts() == 1);
        assertThat(r.pendingTimeouts()).isEqualTo(1);
    }

    @Test
    void theWatchdogAbortsAJobInRealTimeEvenWhenTheInjectedClockStandsStill() {
        Job j = store.enqueue(NewJob.builder("s", "slow").maxAttempts(1).build());
        CountDownLatch aborted = new CountDownLatch(1);
        start(store, (job, ctx) -> {
            ctx.onCancel(aborted::countDown);
            new CountDownLatch(1).await();
            return pdf(job);
        }, config("w1").jobTimeout(Duration.ofMillis(300)).build());
        assertThat(await(aborted)).isTrue();
        awaitStatus(j.id(), JobStatus.FAILED);
        assertThat(job(j.id()).lastError()).contains("timed out after 300ms");
    }

    @Test
    void theTimeoutWatchdogAbortsAnOverdueJobWithoutWaitingForAHeartbeat() {
        Job j = store.enqueue(NewJob.of("s", "slow"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        start(store, (job, ctx) -> {
            ctx.onCancel(cancelled::countDown);
            entered.countDown();
            new CountDownLatch(1).await();
            return pdf(job);
        }, config("w1").build());
        assertThat(await(entered)).isTrue();
        clock.advance(JOB_TIMEOUT.plusSeconds(1)); // no heartbeat runs: the heartbeat interval is 29 s
        assertThat(await(cancelled)).isTrue();
        Job after = Await.value("timed out job back to PENDING", () -> job(j.id()), x -> x.status() == JobStatus.PENDING);
        assertThat(after.lastError()).contains("timed out after 5m");
    }

    @Test
    void theWatchdogLooksTwentyTimesPerJobTimeoutBetween10msAnd1s() {
        assertThat(WorkerRuntime.watchdogTick(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(1));
        assertThat(WorkerRuntime.watchdogTick(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(100));
        assertThat(WorkerRuntime.watchdogTick(Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void aWorkerThatLosesItsLeaseAbortsTheExtractionAndDiscardsItsResult() {
        Job j = store.enqueue(NewJob.of("s", "n"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        List<Long> lost = new CopyOnWriteArrayList<>();
        WorkerRuntime r = start(store, (job, ctx) -> {
            ctx.onCancel(cancelled::countDown);
            entered.countDown();
            new CountDownLatch(1).await();
            return pdf(job);
        }, config("w1").build(), new WorkerListener() {
            @Override
            public void onLeaseLost(long jobId, String reason) {
                lost.add(jobId);
            }
        });
        assertThat(await(entered)).isTrue();
        // an operator force-resets the job (the old "processing longer than N" rule), well before its timeout
        clock.advance(Duration.ofMinutes(2));
        QueueAdmin.over(store).resetStuckJobs(StaleJobPolicy.processingLongerThan(Duration.ofMinutes(1)), false);
        r.heartbeat();
        assertThat(await(cancelled)).isTrue();
        Await.until("lease loss reported", () -> lost.contains(j.id()));
        assertThat(lost).containsOnly(j.id());
        assertThat(store.events(j.id())).extracting(JobEvent::type).contains(JobEventType.RESET, JobEventType.LEASE_LOST);
    }

    // ------------------------------------------------------------------ store failures on the finishing write

    @Test
    void aFinishingWriteThatFailsTransientlyIsRetriedAndTheJobIsNotLost() {
        FaultInjectingJobStore flaky = new FaultInjectingJobStore(store);
        flaky.failFinish(FaultInjectingJobStore.transientError(), 5); // more than the immediate retries
        Job j = store.enqueue(NewJob.of("s", "n"));
        start(flaky, (job, ctx) -> pdf(job), config("w1").build());
        awaitStatus(j.id(), JobStatus.COMPLETED);
        assertThat(flaky.finishCalls()).isGreaterThanOrEqualTo(6);
        assertThat(job(j.id()).attempts()).isEqualTo(1);
    }

    @Test
    void aFinishingWriteThatFailsForGoodLeavesTheJobToLeaseExpiryAndAnotherWorker() {
        FaultInjectingJobStore broken = new FaultInjectingJobStore(store);
        broken.failFinish(new StoreException("permission denied for table extraction_queue", false), Integer.MAX_VALUE);
        Job j = store.enqueue(NewJob.of("s", "n"));
        WorkerRuntime first = start(broken, (job, ctx) -> pdf(job), config("w1").build());
        Await.until("write attempted", () -> broken.finishCalls() >= 1);
        Await.until("job no longer held", () -> first.inFlightCount() == 0);
        broken.disableClaims(); // keep the first worker alive but out of the way
        first.heartbeat(); // the lease of the unrecorded job is not renewed any more
        assertThat(job(j.id()).status()).isEqualTo(JobStatus.PROCESSING);

        clock.advance(LEASE.plusSeconds(1));
        WorkerRuntime second = start(store, (job, ctx) -> pdf(job), config("w2").build());
        assertThat(second.staleCheckNow()).extracting(Job::id).containsExactly(j.id());
        awaitStatus(j.id(), JobStatus.COMPLETED);
        assertThat(job(j.id()).workerId()).isEqualTo("w2");
    }

    // ------------------------------------------------------------------ invariant 3: nothing lost under mixed failures

    @Test
    void underRandomFailuresEveryJobReachesATerminalState() {
        int n = 300;
        for (int i = 0; i < n; i++) {
            store.enqueue(NewJob.builder("s", "n" + i).maxAttempts(3).build());
        }
        Extractor chaotic = (job, ctx) -> {
            int kind = (int) ((job.id() * 31 + job.attempts() * 7) % 6);
            switch (kind) {
                case 0:
                    throw new IllegalStateException("transient");
                case 1:
                    return null;
                case 2:
                    if (job.id() % 5 == 0) {
                        throw ExtractionException.permanent("not found");
                    }
                    return pdf(job);
                case 3:
                    throw new AssertionError("error");
                default:
                    return pdf(job);
            }
        };
        WorkerConfig fast = config("a").concurrency(4).retryBackoff(Duration.ZERO, Duration.ZERO).build();
        start(store, chaotic, fast);
        start(store, chaotic, fast.toBuilder().workerId("b").build());
        Await.until("all terminal", () -> {
            QueueStats s = store.stats();
            return s.count(JobStatus.COMPLETED) + s.count(JobStatus.FAILED) == n;
        });
        QueueStats s = store.stats();
        assertThat(s.count(JobStatus.PROCESSING)).isZero();
        assertThat(s.count(JobStatus.PENDING)).isZero();
        assertThat(s.count(JobStatus.FAILED)).isGreaterThan(0);
    }

    // ------------------------------------------------------------------ invariant 6: close()

    @Test
    void closeStopsClaimingWaitsForRunningJobsAndMarksTheWorkerStopped() throws Exception {
        Job running = store.enqueue(NewJob.of("s", "running"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch finish = latch();
        WorkerRuntime r = start(store, (job, ctx) -> {
            entered.countDown();
            finish.await();
            return pdf(job);
        }, config("w1").concurrency(1).build());
        assertThat(await(entered)).isTrue();

        Thread closer = new Thread(r::close, "test-closer");
        closer.start();
        Await.until("stopping", () -> r.state() == WorkerState.STOPPING);
        Job later = store.enqueue(NewJob.of("s", "later"));
        finish.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(closer.isAlive()).isFalse();

        assertThat(job(running.id()).status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job(later.id()).status()).as("nothing claimed after close").isEqualTo(JobStatus.PENDING);
        assertThat(store.workers()).singleElement().satisfies(w -> assertThat(w.state()).isEqualTo(WorkerState.STOPPED));
        assertThat(r.health().status()).isEqualTo(WorkerHealth.Status.DOWN);
        assertNoDocketThreads("w1");
    }

    @Test
    void closeReleasesJobsStillRunningAfterTheGracePeriodWithoutSpendingAnAttempt() {
        List<Job> jobs = List.of(store.enqueue(NewJob.of("s", "a")), store.enqueue(NewJob.of("s", "b")));
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch aborted = new CountDownLatch(2);
        WorkerRuntime r = start(store, (job, ctx) -> {
            ctx.onCancel(aborted::countDown);
            entered.countDown();
            new CountDownLatch(1).await();
            return pdf(job);
        }, config("w1").concurrency(2).shutdownGracePeriod(Duration.ofMillis(50)).build());
        assertThat(await(entered)).isTrue();
        r.close();
        assertThat(aborted.getCount()).isZero();
        for (Job j : jobs) {
            Job after = job(j.id());
            assertThat(after.status()).isEqualTo(JobStatus.PENDING);
            assertThat(after.attempts()).isZero();
            assertThat(after.workerId()).isNull();
            assertThat(store.events(j.id())).extracting(JobEvent::type).containsExactly(JobEventType.RELEASED);
        }
        assertThat(store.workers()).singleElement().satisfies(w -> assertThat(w.state()).isEqualTo(WorkerState.STOPPED));
        assertNoDocketThreads("w1");
        r.close(); // idempotent
    }

    @Test
    void closeGivesPrefetchedJobsBackAtOnceWithoutSpendingAnAttemptWhileTheRunningJobFinishes() throws Exception {
        List<Job> jobs = List.of(store.enqueue(NewJob.of("s", "a")), store.enqueue(NewJob.of("s", "b")),
                store.enqueue(NewJob.of("s", "c")));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch finish = latch();
        WorkerRuntime r = start(store, waitingFor(entered, finish), config("w1").concurrency(1).prefetch(2).build());
        assertThat(await(entered)).isTrue();
        Await.until("all three claimed", () -> jobs.stream().allMatch(j -> job(j.id()).status() == JobStatus.PROCESSING));
        assertThat(r.inFlightCount()).as("one runs, two wait for the slot").isEqualTo(1);

        Thread closing = new Thread(r::close, "test-close");
        closing.start();
        for (Job j : jobs.subList(1, 3)) { // given back while close() still waits for the running job
            awaitStatus(j.id(), JobStatus.PENDING);
            assertThat(job(j.id()).attempts()).isZero();
            assertThat(store.events(j.id())).extracting(JobEvent::type).containsExactly(JobEventType.RELEASED);
        }
        assertThat(job(jobs.get(0).id()).status()).isEqualTo(JobStatus.PROCESSING);
        finish.countDown();
        closing.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(job(jobs.get(0).id()).status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(jobs.subList(1, 3)).allSatisfy(j -> assertThat(job(j.id()).status()).isEqualTo(JobStatus.PENDING));
    }

    static void assertNoDocketThreads(String workerId) {
        Await.until("no docket thread of " + workerId + " alive", () -> docketThreads(workerId).isEmpty());
    }

    static List<String> docketThreads(String workerId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("docket-") && n.contains("-" + workerId + "-"))
                .collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ health, listeners

    @Test
    void healthIsUpWhenRunningAndAThrowingListenerIsIgnored() {
        Job j = store.enqueue(NewJob.of("s", "n"));
        WorkerRuntime r = start(store, (job, ctx) -> pdf(job), config("w1").build(), new WorkerListener() {
            @Override
            public void onCompleted(Job job, StoredDocument document, Duration took) {
                throw new IllegalStateException("listener bug");
            }
        });
        awaitStatus(j.id(), JobStatus.COMPLETED);
        Await.until("UP", () -> r.health().status() == WorkerHealth.Status.UP);
        Job k = store.enqueue(NewJob.of("s", "m"));
        awaitStatus(k.id(), JobStatus.COMPLETED);
    }

    static boolean await(CountDownLatch latch) {
        try {
            return latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
