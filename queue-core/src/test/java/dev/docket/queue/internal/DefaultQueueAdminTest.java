package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueAdmin;
import dev.docket.queue.ResetReport;
import dev.docket.queue.StaleJobPolicy;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import dev.docket.queue.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultQueueAdminTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final ManualClock clock = ManualClock.at(T0);
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final QueueAdmin admin = QueueAdmin.over(store);

    private Job claimOne(String workerId, Duration lease) {
        List<Job> claimed = store.claim(workerId, 1, lease);
        assertThat(claimed).hasSize(1);
        return claimed.get(0);
    }

    private void heartbeat(String workerId, Job... held) {
        store.heartbeat(WorkerHeartbeat.of(workerId, java.util.Arrays.stream(held).map(Job::lease)
                .collect(java.util.stream.Collectors.toList()), LEASE));
    }

    private Job abandonedJob() {
        heartbeat("w-dead");
        store.enqueue(NewJob.of("registry-a", "doc-1"));
        Job claimed = claimOne("w-dead", LEASE);
        clock.advance(Duration.ofSeconds(45));
        return claimed;
    }

    // ------------------------------------------------------------------ resetStuckJobs

    @Test
    void aDryRunReportsStuckJobsAndChangesNothing() {
        Job claimed = abandonedJob();

        List<ResetReport> reports = admin.resetStuckJobs(StaleJobPolicy.leaseExpired(), true);

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.job()).isEqualTo(claimed);
            assertThat(r.reason()).isEqualTo("lease expired 15s ago (worker w-dead)");
            assertThat(r.decision().isRequeue()).isTrue();
            assertThat(r.timeInProcessing()).isEqualTo(Duration.ofSeconds(45));
            assertThat(r.applied()).isFalse();
        });
        assertThat(store.find(claimed.id())).contains(claimed);
        assertThat(store.events(claimed.id())).isEmpty();
    }

    @Test
    void aRealRunResetsStuckJobsFencedAndRecorded() {
        Job claimed = abandonedJob();

        List<ResetReport> reports = admin.resetStuckJobs(StaleJobPolicy.leaseExpired(), false);

        assertThat(reports).singleElement().satisfies(r -> assertThat(r.applied()).isTrue());
        Job after = store.find(claimed.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.PENDING);
        assertThat(after.resetCount()).isEqualTo(1);
        assertThat(after.leaseToken()).isNull();
        assertThat(store.events(claimed.id())).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(JobEventType.RESET);
            assertThat(e.workerId()).isEqualTo("admin");
            assertThat(e.message()).contains("lease expired");
        });
        assertThat(admin.resetStuckJobs(StaleJobPolicy.leaseExpired(), false)).as("nothing left").isEmpty();
    }

    @Test
    void aJobAbandonedOnItsLastAttemptIsFailed() {
        heartbeat("w-dead");
        store.enqueue(NewJob.builder("registry-a", "doc-1").maxAttempts(1).build());
        Job claimed = claimOne("w-dead", LEASE);
        clock.advance(Duration.ofMinutes(1));

        List<ResetReport> reports = admin.resetStuckJobs(StaleJobPolicy.leaseExpired(), false);

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.decision().isRequeue()).isFalse();
            assertThat(r.applied()).isTrue();
        });
        Job after = store.find(claimed.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.FAILED);
        assertThat(after.lastError()).contains("last attempt 1/1");
        assertThat(store.events(claimed.id())).extracting(JobEvent::type)
                .containsExactly(JobEventType.RESET, JobEventType.FAILED);
    }

    @Test
    void theOldSystemsRuleResetsJobsRunningTooLongEvenWithALiveOwner() {
        heartbeat("w-live");
        store.enqueue(NewJob.of("registry-a", "doc-1"));
        Job claimed = claimOne("w-live", LEASE);
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofSeconds(50));
            heartbeat("w-live", claimed);
        }

        assertThat(admin.resetStuckJobs(StaleJobPolicy.leaseExpired(), false)).as("lease kept alive").isEmpty();
        List<ResetReport> reports = admin.resetStuckJobs(StaleJobPolicy.processingLongerThan(Duration.ofMinutes(5)),
                false);

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.reason()).contains("processing for 5m50s > 5m");
            assertThat(r.applied()).isTrue();
        });
        assertThat(heartbeat(claimed)).as("the old owner has lost its lease").containsExactly(claimed.id());
    }

    private java.util.Set<Long> heartbeat(Job held) {
        return store.heartbeat(WorkerHeartbeat.of(held.workerId(), List.of(held.lease()), LEASE));
    }

    // ------------------------------------------------------------------ diagnose

    @Test
    void diagnoseOfAHealthyQueueHasNoAlerts() {
        heartbeat("w-1");
        store.enqueue(NewJob.of("registry-a", "doc-1"));
        store.enqueue(NewJob.of("registry-a", "doc-2"));
        store.finish(claimOne("w-1", LEASE).lease(), JobOutcome.completed(null));

        Diagnostics d = admin.diagnose(DiagnosticsOptions.defaults());

        assertThat(d.alerts()).isEmpty();
        assertThat(d.now()).isEqualTo(T0);
        assertThat(d.workers()).singleElement().satisfies(w -> {
            assertThat(w.alive()).isTrue();
            assertThat(w.heartbeatAge()).isZero();
        });
        assertThat(d.staleJobs()).isEmpty();
        assertThat(d.longRunning()).isEmpty();
        assertThat(d.stats().count(JobStatus.PENDING)).isEqualTo(1);
        assertThat(d.stats().count(JobStatus.COMPLETED)).isEqualTo(1);
    }

    @Test
    void diagnoseFindsADeadWorkerItsStaleJobALongRunningJobAndAHighErrorRate() {
        heartbeat("w-dead");
        heartbeat("w-stopped");
        heartbeat("w-live");
        store.enqueueAll(List.of(NewJob.of("a", "1"), NewJob.of("a", "2"), NewJob.of("a", "3"), NewJob.of("a", "4"),
                NewJob.of("a", "5"), NewJob.of("a", "6")));
        Job abandoned = claimOne("w-dead", LEASE);
        Job longRunning = claimOne("w-live", Duration.ofHours(1));
        store.finish(claimOne("w-live", LEASE).lease(), JobOutcome.completed(null));
        for (int i = 0; i < 3; i++) {
            store.finish(claimOne("w-live", LEASE).lease(), JobOutcome.failed("registry says no"));
        }
        store.markWorkerStopped(new WorkerInfo("w-stopped", "h", 1, WorkerState.STOPPING, Instant.EPOCH, null, 1, 0,
                0, 0, null));
        clock.advance(Duration.ofMinutes(6));
        heartbeat("w-live", longRunning);

        Diagnostics d = admin.diagnose(DiagnosticsOptions.defaults());

        assertThat(d.workers()).extracting(w -> w.info().workerId(), Diagnostics.WorkerStatus::alive)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("w-live", true),
                        org.assertj.core.groups.Tuple.tuple("w-dead", false),
                        org.assertj.core.groups.Tuple.tuple("w-stopped", false));
        assertThat(d.workers()).filteredOn(w -> w.info().workerId().equals("w-dead")).singleElement()
                .satisfies(w -> assertThat(w.heartbeatAge()).isEqualTo(Duration.ofMinutes(6)));
        assertThat(d.staleJobs()).extracting(s -> s.job().id()).containsExactly(abandoned.id());
        assertThat(d.longRunning()).extracting(Job::id).containsExactlyInAnyOrder(abandoned.id(), longRunning.id());
        assertThat(d.alerts()).containsExactly(
                "worker w-dead has had no heartbeat for 6m (threshold 2m)",
                "1 stale job(s) held by dead workers: run reset-stuck-jobs or wait for the monitor",
                "2 job(s) processing for more than 5m",
                "error rate 75.0% over the last 60 minutes (threshold 50.0%)");
        assertThat(d.alerts()).noneMatch(a -> a.contains("w-stopped"));
    }

    // ------------------------------------------------------------------ delegated operations

    @Test
    void jobShowsTheJobWithItsHistory() {
        Job job = store.enqueue(NewJob.of("a", "1"));
        admin.cancel(job.id());

        assertThat(admin.job(job.id())).hasValueSatisfying(d -> {
            assertThat(d.job().status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(d.events()).extracting(JobEvent::type).containsExactly(JobEventType.CANCELLED);
            assertThat(d.events().get(0).workerId()).isEqualTo("admin");
        });
        assertThat(admin.job(999)).isEmpty();
    }

    @Test
    void retryRetryAllFailedAndPurgeActOnTheStore() {
        store.enqueueAll(List.of(NewJob.of("a", "1"), NewJob.of("b", "2"), NewJob.of("a", "3")));
        List<Job> claimed = store.claim("w-1", 3, LEASE);
        for (Job j : claimed) {
            store.finish(j.lease(), JobOutcome.failed("bad"));
        }

        assertThat(admin.retry(claimed.get(0).id()).status()).isEqualTo(JobStatus.PENDING);
        assertThat(admin.retryAllFailed("b")).isEqualTo(1);
        assertThat(admin.retryAllFailed(null)).isEqualTo(1);
        assertThat(store.stats().count(JobStatus.FAILED)).isZero();

        for (Job j : store.claim("w-1", 3, LEASE)) {
            store.finish(j.lease(), JobOutcome.completed(null));
        }
        clock.advance(Duration.ofDays(2));
        assertThat(admin.purge(Duration.ofDays(1))).isEqualTo(3);
        assertThatThrownBy(() -> admin.purge(Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("olderThan");
    }

    @Test
    void aWorkerDeadForHoursWithoutStaleJobsIsHistoryNotAnAlert() {
        store.heartbeat(WorkerHeartbeat.of("long-gone", List.of(), Duration.ofSeconds(30)));
        clock.advance(Duration.ofMinutes(3));
        assertThat(admin.diagnose(DiagnosticsOptions.defaults()).alerts()).anyMatch(a -> a.contains("long-gone"));
        clock.advance(Duration.ofHours(2));
        Diagnostics later = admin.diagnose(DiagnosticsOptions.defaults());
        assertThat(later.alerts()).noneMatch(a -> a.contains("long-gone"));
        assertThat(later.workers()).singleElement().satisfies(w -> assertThat(w.alive()).isFalse());
    }

    @Test
    void aDeadWorkerWhoseJobsWereResetIsAWarningNotAnAlert() {
        store.enqueueAll(List.of(NewJob.of("registry-a", "doc-1"), NewJob.of("registry-a", "doc-2")));
        Job a = claimOne("crashed", LEASE);
        Job b = claimOne("crashed", LEASE);
        heartbeat("crashed", a, b); // its last heartbeat: 2 jobs in flight
        clock.advance(Duration.ofMinutes(5));
        assertThat(admin.diagnose(DiagnosticsOptions.defaults()).alerts())
                .contains("worker crashed has had no heartbeat for 5m (threshold 2m)");

        assertThat(admin.resetStuckJobs(StaleJobPolicy.leaseExpired(), false)).hasSize(2);
        Diagnostics d = admin.diagnose(DiagnosticsOptions.defaults());

        assertThat(d.alerts()).isEmpty();
        assertThat(d.warnings()).singleElement().satisfies(w -> assertThat(w)
                .startsWith("worker crashed has had no heartbeat for 5m (threshold 2m) and holds no job")
                .contains("forget-worker crashed"));
        assertThat(d.workers()).singleElement().satisfies(w -> assertThat(w.alive()).isFalse());
        assertThat(admin.forgetWorker("crashed")).isTrue();
        Diagnostics forgotten = admin.diagnose(DiagnosticsOptions.defaults());
        assertThat(forgotten.workers()).isEmpty();
        assertThat(forgotten.warnings()).isEmpty();
    }

    @Test
    void aDeadWorkerThatClaimedAfterItsLastHeartbeatAlertsUntilForgottenOnceItsJobsAreReset() {
        heartbeat("crashed"); // idle at its last heartbeat, then claimed and died
        store.enqueue(NewJob.of("registry-a", "doc-1"));
        claimOne("crashed", LEASE);
        clock.advance(Duration.ofMinutes(5));
        admin.resetStuckJobs(StaleJobPolicy.leaseExpired(), false);

        Diagnostics d = admin.diagnose(DiagnosticsOptions.defaults());
        assertThat(d.alerts()).singleElement().satisfies(a -> assertThat(a)
                .startsWith("worker crashed has had no heartbeat for 5m (threshold 2m)")
                .contains("forget-worker crashed"));

        assertThat(admin.forgetWorker("crashed")).isTrue();
        assertThat(admin.diagnose(DiagnosticsOptions.defaults()).alerts()).isEmpty();
    }

    @Test
    void forgetWorkerRefusesAWorkerThatStillHoldsJobs() {
        store.enqueue(NewJob.of("registry-a", "doc-1"));
        Job held = claimOne("crashed", LEASE);
        heartbeat("crashed", held);
        clock.advance(Duration.ofMinutes(5));

        assertThatThrownBy(() -> admin.forgetWorker("crashed")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds 1 PROCESSING job(s)");
        assertThat(admin.diagnose(DiagnosticsOptions.defaults()).alerts())
                .contains("worker crashed has had no heartbeat for 5m (threshold 2m)");
        assertThat(admin.forgetWorker("nobody")).isFalse();
    }

    @Test
    void aDeadWorkerStillHoldingStaleJobsStaysAnAlert() {
        store.enqueue(NewJob.of("registry-a", "doc-9"));
        List<Job> held = store.claim("crashed", 1, Duration.ofSeconds(30));
        store.heartbeat(WorkerHeartbeat.of("crashed", List.of(held.get(0).lease()), Duration.ofSeconds(30)));
        clock.advance(Duration.ofHours(3));
        assertThat(admin.diagnose(DiagnosticsOptions.defaults()).alerts())
                .anyMatch(a -> a.contains("worker crashed has had no heartbeat"))
                .anyMatch(a -> a.contains("stale job"));
    }
}
