package dev.docket.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.spi.ClaimResult;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The source flow-control part of the store contract: policies, concurrency caps (also under many concurrent
 * claimers), rate limits, pause and resume, throttling, circuit breaking and fair claiming. Included in
 * {@link JobStoreContractTest} as its {@code Sources} section; written, like the rest of the suite, only in terms
 * of {@link #advanceClock(Duration)} and the store's clock.
 */
public abstract class SourceContract {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final String A = "registry-a";
    private static final String B = "registry-b";
    private static final String ACTOR = "ops";

    /** The store under test. */
    protected abstract JobStore store();

    /** Makes {@code d} pass for the store. */
    protected abstract void advanceClock(Duration d);

    private List<Job> enqueue(String source, int n) {
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(NewJob.of(source, source + "-" + i));
        }
        return store().enqueueAll(jobs);
    }

    private List<Job> claim(int limit) {
        return store().claim("w-1", limit, LEASE);
    }

    private static List<String> sources(List<Job> jobs) {
        return jobs.stream().map(Job::documentSource).collect(Collectors.toList());
    }

    private SourceStatus status(String source) {
        return store().sources().stream().filter(s -> s.source().equals(source)).findFirst()
                .orElseThrow(() -> new AssertionError("no status for " + source));
    }

    private Job fail(Job claimed) {
        return store().finish(claimed.lease(), JobOutcome.retryLater("HTTP 502", Duration.ZERO).countedAgainstSource());
    }

    private void setPolicy(String source, SourcePolicy.Builder b) {
        store().setSourcePolicy(source, b.build(), ACTOR);
    }

    @Test
    void policiesAreStoredPerSourceAndAsTheDefault() {
        assertThat(store().sourcePolicy(A)).isEmpty();
        assertThat(store().sourcePolicy(null)).isEmpty();
        SourcePolicy capped = SourcePolicy.builder().concurrency(4).rate(SourcePolicy.Rate.perMinute(60).withBurst(3))
                .breaker(7, Duration.ofSeconds(5), Duration.ofMinutes(2)).build();
        store().setSourcePolicy(A, capped, ACTOR);
        SourcePolicy def = SourcePolicy.builder().breakerOff().build();
        store().setSourcePolicy(null, def, ACTOR);
        assertThat(store().sourcePolicy(A)).contains(capped);
        assertThat(store().sourcePolicy(null)).contains(def);
        store().setSourcePolicy(A, null, ACTOR);
        assertThat(store().sourcePolicy(A)).isEmpty();
        enqueue(A, 1);
        assertThat(status(A).policy()).isEqualTo(def);
        assertThat(status(A).ownPolicy()).isFalse();
        assertThat(store().sourceEvents(A, 10)).extracting(SourceEvent::type)
                .containsExactly(SourceEvent.Type.POLICY_CHANGED, SourceEvent.Type.POLICY_CHANGED);
        assertThat(store().sourceEvents(null, 10)).extracting(SourceEvent::source)
                .containsExactly(A, SourceEvent.ALL_SOURCES, A);
    }

    /** A default policy with a cap limits each source without a policy of its own, from the next claim on. */
    @Test
    void aLimitingDefaultPolicyCapsEachSourceWithoutItsOwn() {
        enqueue(A, 3);
        enqueue(B, 3);
        store().setSourcePolicy(null, SourcePolicy.builder().concurrency(1).build(), ACTOR);
        List<Job> first = claim(10);
        assertThat(sources(first)).containsExactlyInAnyOrder(A, B);
        assertThat(claim(10)).as("both sources at the default's cap").isEmpty();
        store().setSourcePolicy(B, SourcePolicy.builder().concurrency(3).build(), ACTOR);
        assertThat(sources(claim(10))).as("B's own cap instead of the default's").containsExactly(B, B);
        Job a = first.stream().filter(j -> j.documentSource().equals(A)).findFirst().orElseThrow();
        store().finish(a.lease(), JobOutcome.completed(null));
        assertThat(sources(claim(10))).as("A's slot freed").containsExactly(A);
        store().setSourcePolicy(null, null, ACTOR);
        assertThat(sources(claim(10))).as("the default cleared: A unlimited").containsExactly(A);
    }

    @Test
    void aSourceWithoutAPolicyShowsTheLastErrorOfItsJobs() {
        enqueue(A, 2);
        store().finish(claim(1).get(0).lease(), JobOutcome.retryLater("HTTP 502 from the registry", Duration.ZERO));
        assertThat(status(A).lastError()).isEqualTo("HTTP 502 from the registry");
        advanceClock(Duration.ofSeconds(1));
        List<Job> next = claim(10);
        assertThat(next).hasSize(2);
        store().finish(next.get(1).lease(), JobOutcome.failed("document 2 does not exist"));
        assertThat(status(A).lastError()).isEqualTo("document 2 does not exist");
    }

    @Test
    void blankSourceIsRefused() {
        assertThatThrownBy(() -> store().setSourcePolicy(" ", SourcePolicy.defaults(), ACTOR))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("source must not be blank but was ' '");
        assertThatThrownBy(() -> store().pauseSource(A, "", ACTOR))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("reason must not be blank but was ''");
    }

    @Test
    void concurrencyCapLimitsTheFleetsProcessingJobs() {
        setPolicy(A, SourcePolicy.builder().concurrency(2));
        enqueue(A, 5);
        List<Job> first = claim(10);
        assertThat(first).hasSize(2);
        assertThat(store().claim("w-2", 10, LEASE)).isEmpty();
        store().finish(first.get(0).lease(), JobOutcome.completed(null));
        assertThat(claim(10)).hasSize(1);
        assertThat(status(A).processing()).isEqualTo(2);
        assertThat(status(A).pending()).isEqualTo(2);
    }

    @Test
    void capIsNeverExceededByManyConcurrentClaimers() throws Exception {
        int cap = 3;
        setPolicy(A, SourcePolicy.builder().concurrency(cap));
        enqueue(A, 120);
        enqueue(B, 30);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            String worker = "w-" + t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int round = 0; round < 400 && done.get() < 150; round++) {
                    for (Job j : store().claim(worker, 4, LEASE)) {
                        if (j.documentSource().equals(A)) {
                            maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                            held.decrementAndGet(); // before the finishing write frees the store's slot
                        }
                        store().finish(j.lease(), JobOutcome.completed(null));
                        done.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            try {
                f.get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                errors.add(e.getCause());
            }
        }
        pool.shutdownNow();
        assertThat(errors).isEmpty();
        assertThat(maxHeld.get()).isBetween(1, cap);
        assertThat(done.get()).isEqualTo(150);
        assertThat(status(A).processing()).isZero();
    }

    @Test
    void rateLimitHandsOutTokensWithABurst() {
        setPolicy(A, SourcePolicy.builder().rate(SourcePolicy.Rate.perSecond(2).withBurst(3)));
        enqueue(A, 20);
        assertThat(claim(10)).hasSize(3);
        assertThat(claim(10)).isEmpty();
        advanceClock(Duration.ofMillis(1000));
        assertThat(claim(10)).hasSize(2);
        advanceClock(Duration.ofMinutes(1));
        assertThat(claim(10)).as("the bucket holds at most the burst").hasSize(3);
    }

    @Test
    void aClaimCutShortByTheRateSaysWhenTheNextTokenIsDue() {
        // one token a minute: a store on the database's clock also sees real time pass between the claims, and
        // on a loaded machine that can be a second, never a minute
        setPolicy(A, SourcePolicy.builder().rate(SourcePolicy.Rate.perHour(60).withBurst(2)));
        enqueue(A, 5);
        ClaimResult first = store().claimWithHint("w-1", 10, LEASE);
        assertThat(first.jobs()).hasSize(2);
        assertThat(first.nextClaimableIn()).as("the bucket is empty: one token per minute").hasValueSatisfying(d ->
                assertThat(d).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60)));
        ClaimResult none = store().claimWithHint("w-1", 10, LEASE);
        assertThat(none.jobs()).isEmpty();
        assertThat(none.nextClaimableIn()).hasValueSatisfying(d ->
                assertThat(d).isBetween(Duration.ofMillis(1), Duration.ofSeconds(60)));
        advanceClock(none.nextClaimableIn().get());
        assertThat(store().claimWithHint("w-1", 10, LEASE).jobs()).as("claimable when the hint said").hasSize(1);
        advanceClock(Duration.ofMinutes(10));
        ClaimResult rest = store().claimWithHint("w-1", 10, LEASE);
        assertThat(rest.jobs()).as("the burst again, no more").hasSize(2);
        assertThat(rest.nextClaimableIn()).as("no ready job is held back").isEmpty();
    }

    @Test
    void aClaimHeldBackByABlockOrACapSaysWhenOnlyForTheBlock() {
        setPolicy(A, SourcePolicy.builder().concurrency(1));
        enqueue(A, 3);
        enqueue(B, 2);
        ClaimResult claimed = store().claimWithHint("w-1", 10, LEASE);
        assertThat(sources(claimed.jobs())).containsExactlyInAnyOrder(A, B, B);
        assertThat(claimed.nextClaimableIn()).as("a full cap waits for a finishing write").isEmpty();
        Job b = claimed.jobs().stream().filter(j -> j.documentSource().equals(B)).findFirst().orElseThrow();
        store().enqueueAll(List.of(NewJob.of(B, "b-more")));
        store().finish(b.lease(), JobOutcome.throttled("HTTP 429", Duration.ofSeconds(30)));
        ClaimResult blocked = store().claimWithHint("w-1", 10, LEASE);
        assertThat(blocked.jobs()).isEmpty();
        assertThat(blocked.nextClaimableIn()).as("B is blocked for 30 s").hasValueSatisfying(d ->
                assertThat(d).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30)));
    }

    @Test
    void pausedSourceIsNotClaimedAndItsRunningJobsFinish() {
        enqueue(A, 2);
        Job running = claim(1).get(0);
        enqueue(B, 1);
        store().pauseSource(A, "registry maintenance", ACTOR);
        assertThat(sources(claim(10))).containsExactly(B);
        assertThat(status(A).state()).isEqualTo(SourceStatus.State.PAUSED);
        assertThat(status(A).describeState()).isEqualTo("paused: registry maintenance");
        assertThat(store().finish(running.lease(), JobOutcome.completed(null)).status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(store().resumeSource(A, ACTOR)).isTrue();
        assertThat(sources(claim(10))).containsExactly(A);
        assertThat(store().resumeSource(A, ACTOR)).isFalse();
    }

    @Test
    void pauseOfAllSourcesCoversNewSourcesUntilResumed() {
        store().pauseSource(null, "deploy", ACTOR);
        enqueue(A, 1);
        enqueue(B, 1);
        assertThat(claim(10)).isEmpty();
        store().resumeSource(A, ACTOR);
        assertThat(claim(10)).as("resuming one source leaves the pause of all").isEmpty();
        assertThat(status(B).describeState()).startsWith("paused: deploy");
        assertThat(store().resumeSource(null, ACTOR)).isTrue();
        assertThat(claim(10)).hasSize(2);
        assertThat(store().sourceEvents(null, 10)).extracting(SourceEvent::type)
                .containsExactly(SourceEvent.Type.PAUSED, SourceEvent.Type.RESUMED);
    }

    @Test
    void throttlingGivesTheAttemptBackAndBlocksTheSourceUntilRetryAfter() {
        enqueue(A, 3);
        Job j = claim(1).get(0);
        enqueue(B, 1);
        Job after = store().finish(j.lease(), JobOutcome.throttled("HTTP 429", Duration.ofSeconds(60)));
        assertThat(after.status()).isEqualTo(JobStatus.PENDING);
        assertThat(after.attempts()).isZero();
        assertThat(store().events(j.id())).extracting(JobEvent::type).containsExactly(JobEventType.THROTTLED);
        assertThat(sources(claim(10))).containsExactly(B);
        SourceStatus s = status(A);
        assertThat(s.state()).isEqualTo(SourceStatus.State.BLOCKED);
        assertThat(s.reason()).isEqualTo("HTTP 429");
        assertThat(s.until()).isBetween(store().now().plusSeconds(59), store().now().plusSeconds(60));
        advanceClock(Duration.ofSeconds(61));
        assertThat(claim(10)).hasSize(3);
        assertThat(store().sourceEvents(A, 10)).extracting(SourceEvent::type).containsExactly(SourceEvent.Type.THROTTLED);
    }

    @Test
    void throttlingIsCappedAndHasADefaultWithoutHint() {
        setPolicy(A, SourcePolicy.builder().throttle(Duration.ofSeconds(20), Duration.ofMinutes(5)));
        enqueue(A, 2);
        store().finish(claim(1).get(0).lease(), JobOutcome.throttled("HTTP 503", Duration.ofHours(5)));
        Instant now = store().now();
        assertThat(status(A).until()).isBetween(now.plusSeconds(299), now.plusSeconds(300));
        advanceClock(Duration.ofMinutes(5).plusSeconds(1));
        store().finish(claim(1).get(0).lease(), JobOutcome.throttled("blocked page", Duration.ZERO));
        now = store().now();
        assertThat(status(A).until()).isBetween(now.plusSeconds(19), now.plusSeconds(20));
    }

    @Test
    void throttlingCutsTheEffectiveRateAndSuccessRaisesItSlowly() {
        setPolicy(A, SourcePolicy.builder().rate(SourcePolicy.Rate.perSecond(10).withBurst(10)));
        enqueue(A, 5);
        assertThat(status(A).effectiveRate()).isEqualTo(10.0);
        store().finish(claim(1).get(0).lease(), JobOutcome.throttled("HTTP 429", Duration.ofSeconds(1)));
        assertThat(status(A).effectiveRate()).isEqualTo(5.0);
        advanceClock(Duration.ofSeconds(2));
        store().finish(claim(1).get(0).lease(), JobOutcome.completed(null));
        assertThat(status(A).effectiveRate()).isBetween(5.1, 6.0);
    }

    @Test
    void consecutiveTransientFailuresOpenTheCircuitWithoutSpendingMoreAttempts() {
        setPolicy(A, SourcePolicy.builder().breaker(3, Duration.ofSeconds(10), Duration.ofSeconds(40)));
        enqueue(A, 5);
        assertThat(fail(claim(1).get(0)).status()).isEqualTo(JobStatus.PENDING);
        assertThat(fail(claim(1).get(0)).status()).isEqualTo(JobStatus.PENDING);
        Job third = claim(1).get(0);
        Job after = fail(third);
        assertThat(after.status()).isEqualTo(JobStatus.PENDING);
        assertThat(after.attempts()).as("the failure that opens the circuit spends no attempt")
                .isEqualTo(third.attempts() - 1);
        assertThat(store().events(third.id())).extracting(JobEvent::type).endsWith(JobEventType.SOURCE_DOWN);
        assertThat(status(A).state()).isEqualTo(SourceStatus.State.OPEN);
        assertThat(status(A).describeState()).startsWith("open until ");
        enqueue(B, 1);
        assertThat(sources(claim(10))).containsExactly(B);
    }

    @Test
    void afterTheCoolDownExactlyOneProbeRunsAndAFailedProbeDoublesTheCoolDown() {
        setPolicy(A, SourcePolicy.builder().breaker(1, Duration.ofSeconds(10), Duration.ofSeconds(15)));
        enqueue(A, 5);
        fail(claim(1).get(0));
        assertThat(claim(10)).isEmpty();
        advanceClock(Duration.ofSeconds(11));
        List<Job> probe = claim(10);
        assertThat(probe).hasSize(1);
        assertThat(status(A).state()).isEqualTo(SourceStatus.State.HALF_OPEN);
        assertThat(store().claim("w-2", 10, LEASE)).as("nothing else while the probe runs").isEmpty();
        Job after = fail(probe.get(0));
        assertThat(after.attempts()).as("a failed probe spends no attempt").isEqualTo(probe.get(0).attempts() - 1);
        Instant now = store().now();
        assertThat(status(A).until()).as("doubled, bounded by 'to'").isBetween(now.plusSeconds(14), now.plusSeconds(15));
        advanceClock(Duration.ofSeconds(11));
        assertThat(claim(10)).isEmpty();
        advanceClock(Duration.ofSeconds(5));
        Job second = claim(10).get(0);
        store().finish(second.lease(), JobOutcome.completed(null));
        assertThat(status(A).state()).isEqualTo(SourceStatus.State.CLOSED);
        assertThat(claim(10)).hasSize(4);
        assertThat(store().sourceEvents(A, 10)).extracting(SourceEvent::type).containsSubsequence(
                SourceEvent.Type.CIRCUIT_OPENED, SourceEvent.Type.CIRCUIT_HALF_OPEN, SourceEvent.Type.CIRCUIT_OPENED,
                SourceEvent.Type.CIRCUIT_HALF_OPEN, SourceEvent.Type.CIRCUIT_CLOSED);
    }

    @Test
    void noJobFailsOnlyBecauseItsSourceIsDown() {
        setPolicy(A, SourcePolicy.builder().breaker(2));
        Job only = store().enqueue(NewJob.builder(A, "last-chance").maxAttempts(1).build());
        enqueue(A, 2);
        List<Job> running = claim(3);
        assertThat(running).hasSize(3);
        for (Job j : running) {
            Job after = store().finish(j.lease(),
                    JobOutcome.failed("attempts exhausted: connection refused").countedAgainstSource());
            if (j.id() == only.id()) {
                assertThat(after.status()).isIn(JobStatus.FAILED, JobStatus.PENDING);
            }
        }
        // the second failure opened the circuit; the third (open) spends nothing: at most threshold-1 FAILED
        long failed = running.stream().filter(j -> store().find(j.id()).get().status() == JobStatus.FAILED).count();
        assertThat(failed).isLessThanOrEqualTo(1);
        assertThat(status(A).state()).isEqualTo(SourceStatus.State.OPEN);
    }

    @Test
    void failuresThatDoNotCountAgainstTheSourceLeaveTheCircuitClosed() {
        setPolicy(A, SourcePolicy.builder().breaker(1));
        enqueue(A, 2);
        store().finish(claim(1).get(0).lease(), JobOutcome.retryLater("document sink down", Duration.ZERO));
        assertThat(status(A).state()).isEqualTo(SourceStatus.State.CLOSED);
        assertThat(claim(10)).hasSize(2);
    }

    @Test
    void aClaimRoundRobinsAcrossSourcesPriorityFirstWithinEach() {
        List<NewJob> backlog = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            backlog.add(NewJob.builder(A, "a-" + i).priority(i == 7 ? 9 : 5).build());
        }
        store().enqueueAll(backlog);
        Job b = store().enqueue(NewJob.of(B, "b-0"));
        List<Job> batch = claim(4);
        assertThat(sources(batch)).containsExactlyInAnyOrder(A, A, A, B);
        assertThat(batch.stream().filter(j -> j.documentSource().equals(A)).findFirst().get().documentNumber())
                .isEqualTo("a-7");
        assertThat(batch).extracting(Job::id).contains(b.id());
    }

    @Test
    void singleJobClaimsAlternateBetweenSources() {
        enqueue(A, 20);
        enqueue(B, 2);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            order.addAll(sources(claim(1)));
        }
        assertThat(order).containsExactlyInAnyOrder(A, A, B, B);
        assertThat(order.subList(0, 2)).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void aResetJobFreesItsSlotOfTheCap() {
        setPolicy(A, SourcePolicy.builder().concurrency(1));
        enqueue(A, 2);
        Job held = claim(1).get(0);
        assertThat(claim(1)).isEmpty();
        advanceClock(LEASE.plusSeconds(1));
        var stale = store().findStale(new dev.docket.queue.StaleCriteria(true, null, null), 10);
        assertThat(stale).extracting(s -> s.job().id()).containsExactly(held.id());
        store().reset(stale.get(0), dev.docket.queue.StaleDecision.requeue(Duration.ZERO), "monitor");
        store().reconcileSources();
        assertThat(claim(1)).hasSize(1);
    }

    @Test
    void statusReportsTheLastHour() {
        enqueue(A, 3);
        List<Job> jobs = claim(3);
        advanceClock(Duration.ofSeconds(2));
        store().finish(jobs.get(0).lease(), JobOutcome.completed(null));
        store().finish(jobs.get(1).lease(), JobOutcome.failed("no such document"));
        store().finish(jobs.get(2).lease(), JobOutcome.retryLater("HTTP 500", Duration.ofMinutes(1))
                .countedAgainstSource());
        SourceStatus s = status(A);
        assertThat(s.completedLast60m()).isEqualTo(1);
        assertThat(s.failedLast60m()).isEqualTo(1);
        assertThat(s.pending()).isEqualTo(1);
        assertThat(s.processing()).isZero();
        assertThat(s.p50Last60m()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(3));
        assertThat(s.lastError()).isEqualTo("HTTP 500");
        assertThat(s.consecutiveFailures()).isEqualTo(1);
        assertThat(s.state()).isEqualTo(SourceStatus.State.CLOSED);
        assertThat(s.describeState()).isEqualTo("closed");
    }

    @Test
    void sourcesForAlertsShowStatesAndBacklogsWithoutTheLastHour() {
        setPolicy(A, SourcePolicy.builder().breaker(1, Duration.ofMinutes(10), Duration.ofMinutes(20)));
        enqueue(A, 3);
        fail(claim(1).get(0));
        enqueue(B, 2);
        store().finish(store().claim("w-1", 1, LEASE).get(0).lease(), JobOutcome.completed(null));
        store().pauseSource(B, "maintenance", ACTOR);
        enqueue("registry-c", 1);
        store().finish(store().claim("w-1", 1, LEASE).get(0).lease(), JobOutcome.completed(null));

        List<SourceStatus> cheap = store().sourcesForAlerts();
        assertThat(cheap).extracting(SourceStatus::source).as("by name; one with only finished jobs may be left out")
                .startsWith(A, B).isSorted();
        SourceStatus a = cheap.get(0);
        assertThat(a.state()).isEqualTo(SourceStatus.State.OPEN);
        assertThat(a.pending()).isEqualTo(3);
        assertThat(a.processing()).isZero();
        assertThat(a.lastError()).isEqualTo("HTTP 502");
        assertThat(a.consecutiveFailures()).isEqualTo(1);
        assertThat(a.policy()).isEqualTo(status(A).policy());
        assertThat(a.until()).isEqualTo(status(A).until());
        SourceStatus b = cheap.get(1);
        assertThat(b.state()).isEqualTo(SourceStatus.State.PAUSED);
        assertThat(b.reason()).isEqualTo("maintenance");
        assertThat(b.pending()).isEqualTo(1);
        assertThat(status(B).completedLast60m()).isEqualTo(1);
        assertThat(b.completedLast60m()).as("no figures of the last hour").isZero();
        assertThat(b.failedLast60m()).isZero();
        assertThat(b.p50Last60m()).isNull();
        assertThat(b.p95Last60m()).isNull();
    }
}
