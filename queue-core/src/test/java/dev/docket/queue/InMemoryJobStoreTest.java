package dev.docket.queue;

import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.spi.WorkerHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.testing.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link InMemoryJobStore} does beyond the {@link JobStoreContractTest}: exact stale reasons,
 * synchronous notifications, argument checks, timestamp precision and large queues.
 */
class InMemoryJobStoreTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final ManualClock clock = ManualClock.at(T0);
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private Job claimOne(String workerId, Duration lease) {
        List<Job> claimed = store.claim(workerId, 1, lease);
        assertThat(claimed).hasSize(1);
        return claimed.get(0);
    }

    private void heartbeat(String workerId, JobLease... leases) {
        store.heartbeat(WorkerHeartbeat.of(workerId, List.of(leases), LEASE));
    }

    // ------------------------------------------------------------------ stale reasons with figures

    @Test
    void leaseExpiredReasonGivesHowLongAgoAndTheWorker() {
        heartbeat("w-1");
        store.enqueue(NewJob.of("s", "1"));
        claimOne("w-1", LEASE);
        clock.advance(Duration.ofSeconds(42));

        assertThat(store.findStale(new StaleCriteria(true, null, null), 10)).singleElement()
                .extracting(StaleJob::reason).isEqualTo("lease expired 12s ago (worker w-1)");
    }

    @Test
    void stoppedOwnerReasonNamesTheWorker() {
        heartbeat("w-1");
        store.enqueue(NewJob.of("s", "1"));
        claimOne("w-1", LEASE);
        store.markWorkerStopped(WorkerHeartbeat.of("w-1", List.of(), LEASE).worker());

        assertThat(store.findStale(new StaleCriteria(true, null, null), 10)).singleElement()
                .extracting(StaleJob::reason).isEqualTo("worker w-1 is STOPPED");
    }

    @Test
    void silentOwnerReasonGivesTheSilenceAndTheLimit() {
        heartbeat("w-1");
        store.enqueue(NewJob.of("s", "1"));
        claimOne("w-1", Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(3));

        assertThat(store.findStale(new StaleCriteria(false, Duration.ofMinutes(1), null), 10)).singleElement()
                .extracting(StaleJob::reason).isEqualTo("worker w-1 silent for 3m > 1m");
    }

    @Test
    void ownerWithoutRowReasonSaysSo() {
        store.enqueue(NewJob.of("s", "1"));
        claimOne("w-ghost", Duration.ofHours(1));

        assertThat(store.findStale(new StaleCriteria(false, Duration.ofMinutes(1), null), 10)).singleElement()
                .extracting(StaleJob::reason).isEqualTo("worker w-ghost has no worker row");
    }

    @Test
    void processingTooLongReasonGivesTheDurationAndTheLimit() {
        heartbeat("w-1");
        store.enqueue(NewJob.of("s", "1"));
        claimOne("w-1", Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(6));

        assertThat(store.findStale(new StaleCriteria(false, null, Duration.ofMinutes(5)), 10)).singleElement()
                .extracting(StaleJob::reason).isEqualTo("processing for 6m > 5m (worker w-1)");
    }

    @Test
    void everyMatchingCriterionIsInTheReason() {
        heartbeat("w-1");
        store.enqueue(NewJob.of("s", "1"));
        claimOne("w-1", LEASE);
        clock.advance(Duration.ofMinutes(6));

        assertThat(store.findStale(new StaleCriteria(true, null, Duration.ofMinutes(5)), 10)).singleElement()
                .extracting(StaleJob::reason)
                .isEqualTo("lease expired 5m30s ago (worker w-1); processing for 6m > 5m (worker w-1)");
    }

    // ------------------------------------------------------------------ notifications

    @Test
    void subscribersAreCalledSynchronouslyWhenJobsBecomeClaimable() {
        AtomicInteger calls = new AtomicInteger();
        store.subscribe(calls::incrementAndGet);

        store.enqueue(NewJob.of("s", "1"));
        assertThat(calls).as("enqueue").hasValue(1);
        store.enqueueAll(List.of(NewJob.of("s", "2"), NewJob.of("s", "3")));
        assertThat(calls).as("enqueueAll, once per batch").hasValue(2);

        Job a = claimOne("w-1", LEASE);
        store.finish(a.lease(), JobOutcome.released("shutdown"));
        assertThat(calls).as("release").hasValue(3);

        Job b = claimOne("w-1", LEASE);
        store.finish(b.lease(), JobOutcome.retryLater("busy", Duration.ZERO));
        assertThat(calls).as("retry without delay").hasValue(4);

        Job c = claimOne("w-1", LEASE);
        store.finish(c.lease(), JobOutcome.failed("bad"));
        store.retry(c.id(), "ops");
        assertThat(calls).as("operator retry").hasValue(5);

        Job d = claimOne("w-1", LEASE);
        store.finish(d.lease(), JobOutcome.failed("bad"));
        store.retryAllFailed(null, "ops");
        assertThat(calls).as("retryAllFailed").hasValue(6);

        claimOne("w-1", LEASE);
        clock.advance(Duration.ofMinutes(1));
        StaleJob stale = store.findStale(new StaleCriteria(true, null, null), 1).get(0);
        store.reset(stale, StaleDecision.requeue(Duration.ZERO), "monitor");
        assertThat(calls).as("stale reset to PENDING").hasValue(7);
    }

    @Test
    void subscribersAreNotCalledWhenNothingBecameClaimable() {
        AtomicInteger calls = new AtomicInteger();
        Job existing = store.enqueue(NewJob.builder("s", "1").idempotencyKey("k").build());
        store.subscribe(calls::incrementAndGet);

        store.enqueue(NewJob.builder("s", "1").idempotencyKey("k").build());
        Job future = store.enqueue(NewJob.builder("s", "2").runAfter(T0.plusSeconds(60)).build());
        store.enqueueAll(List.of());
        Job claimed = claimOne("w-1", LEASE);
        assertThat(claimed.id()).isEqualTo(existing.id());
        store.finish(claimed.lease(), JobOutcome.retryLater("busy", Duration.ofSeconds(10)));
        store.cancel(future.id(), "ops");

        assertThat(calls).hasValue(0);
    }

    @Test
    void aClosedSubscriptionIsNotCalledAgain() {
        AtomicInteger calls = new AtomicInteger();
        JobStore.Subscription subscription = store.subscribe(calls::incrementAndGet);
        store.enqueue(NewJob.of("s", "1"));
        subscription.close();

        store.enqueue(NewJob.of("s", "2"));

        assertThat(calls).hasValue(1);
    }

    @Test
    void aThrowingSubscriberIsIgnoredAndOthersStillRun() {
        AtomicInteger calls = new AtomicInteger();
        store.subscribe(() -> {
            throw new IllegalStateException("listener bug");
        });
        store.subscribe(calls::incrementAndGet);

        Job job = store.enqueue(NewJob.of("s", "1"));

        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(calls).hasValue(1);
    }

    @Test
    void subscribersRunOutsideTheLockSoTheyMayUseTheStoreFromAnotherThread() {
        List<Job> claimedByListener = new ArrayList<>();
        store.subscribe(() -> {
            Future<List<Job>> claim = executor.submit(() -> store.claim("w-listener", 10, LEASE));
            try {
                claimedByListener.addAll(claim.get(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (Exception e) {
                throw new AssertionError("the listener could not use the store: lock held?", e);
            }
        });

        Job job = store.enqueue(NewJob.of("s", "1"));

        assertThat(claimedByListener).extracting(Job::id).containsExactly(job.id());
    }

    // ------------------------------------------------------------------ argument checks and edge cases

    @Test
    void claimRejectsANonPositiveLimitOrLease() {
        assertThatThrownBy(() -> store.claim("w-1", 0, LEASE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> store.claim("w-1", 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
    }

    @Test
    void findStaleRejectsANonPositiveLimit() {
        assertThatThrownBy(() -> store.findStale(new StaleCriteria(true, null, null), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    }

    @Test
    void purgeRejectsANegativeAge() {
        assertThatThrownBy(() -> store.purge(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("olderThan");
    }

    @Test
    void timestampsAreTruncatedToMicroseconds() {
        clock.set(Instant.parse("2025-03-01T10:00:00.123456789Z"));
        Job job = store.enqueue(NewJob.builder("s", "1").runAfter(Instant.parse("2025-03-01T09:00:00.000000999Z"))
                .build());

        assertThat(store.now()).isEqualTo(Instant.parse("2025-03-01T10:00:00.123456Z"));
        assertThat(job.createdAt()).isEqualTo(Instant.parse("2025-03-01T10:00:00.123456Z"));
        assertThat(job.runAfter()).isEqualTo(Instant.parse("2025-03-01T09:00:00Z"));
        Job claimed = claimOne("w-1", Duration.ofNanos(30_000_000_001L));
        assertThat(claimed.leaseExpiresAt()).isEqualTo(Instant.parse("2025-03-01T10:00:30.123456Z"));
    }

    @Test
    void aJobIsNotClaimableWhenTheClockIsSetBackBeforeItsRunAfter() {
        Job job = store.enqueue(NewJob.builder("s", "1").runAfter(T0.plusSeconds(60)).build());
        clock.advance(Duration.ofMinutes(2));
        store.stats(); // sees the job as due
        clock.set(T0);

        assertThat(store.claim("w-1", 1, LEASE)).isEmpty();

        clock.advance(Duration.ofMinutes(2));
        assertThat(claimOne("w-1", LEASE).id()).isEqualTo(job.id());
    }

    @Test
    void retryOfAJobWhoseKeyIsTakenByALiveJobIsRefused() {
        store.enqueue(NewJob.builder("s", "1").idempotencyKey("k").build());
        Job failed = store.finish(claimOne("w-1", LEASE).lease(), JobOutcome.failed("bad"));
        Job replacement = store.enqueue(NewJob.builder("s", "1").idempotencyKey("k").build());

        assertThatThrownBy(() -> store.retry(failed.id(), "ops")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(String.valueOf(replacement.id())).hasMessageContaining("'k'");
        assertThat(store.retryAllFailed(null, "ops")).isZero();
        assertThat(store.find(failed.id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void aRetriedJobOwnsItsIdempotencyKeyAgain() {
        store.enqueue(NewJob.builder("s", "1").idempotencyKey("k").build());
        Job failed = store.finish(claimOne("w-1", LEASE).lease(), JobOutcome.failed("bad"));
        store.retry(failed.id(), "ops");

        assertThat(store.enqueue(NewJob.builder("s", "1").idempotencyKey("k").build()).id()).isEqualTo(failed.id());
    }

    @Test
    void recordEventForAPurgedJobIsIgnored() {
        store.recordEvent(12345L, JobEventType.LEASE_LOST, "w-1", "late");
        assertThat(store.events(12345L)).isEmpty();
    }

    @Test
    void anExplicitWorkerStartIsKept() {
        Instant started = T0.minusSeconds(600);
        store.heartbeat(new WorkerHeartbeat(new WorkerInfo("w-1", "h", 1, WorkerState.RUNNING, started, null, 1, 0, 0,
                0, null), List.of(), LEASE));
        assertThat(store.workers()).singleElement().extracting(WorkerInfo::startedAt).isEqualTo(started);
    }

    @Test
    void theDefaultConstructorUsesTheSystemClockInUtc() {
        InMemoryJobStore system = new InMemoryJobStore();
        Instant before = Clock.system(ZoneOffset.UTC).instant().minusMillis(1);
        assertThat(system.now()).isAfter(before);
    }

    // ------------------------------------------------------------------ large queues

    @Test
    void aQueueOfAHundredThousandJobsIsClaimedInPriorityOrderAndDrained() {
        int n = 100_000;
        Random random = new Random(42);
        List<NewJob> batch = IntStream.range(0, n)
                .mapToObj(i -> NewJob.builder("s", "doc-" + i).priority(random.nextInt(10)).build())
                .collect(Collectors.toList());
        store.enqueueAll(batch);

        int lastPriority = Integer.MAX_VALUE;
        long lastId = 0;
        int claimed = 0;
        List<Job> jobs;
        while (!(jobs = store.claim("w-1", 100, LEASE)).isEmpty()) {
            for (Job j : jobs) {
                if (j.priority() == lastPriority) {
                    assertThat(j.id()).isGreaterThan(lastId);
                } else {
                    assertThat(j.priority()).isLessThan(lastPriority);
                }
                lastPriority = j.priority();
                lastId = j.id();
                store.finish(j.lease(), JobOutcome.completed(null));
                claimed++;
            }
        }

        assertThat(claimed).isEqualTo(n);
        QueueStats stats = store.stats();
        assertThat(stats.count(JobStatus.COMPLETED)).isEqualTo(n);
        assertThat(stats.count(JobStatus.PENDING)).isZero();
        assertThat(stats.completedLast5m()).isEqualTo(n);
        clock.advance(Duration.ofDays(1));
        assertThat(store.purge(Duration.ofHours(1))).isEqualTo(n);
    }
}
