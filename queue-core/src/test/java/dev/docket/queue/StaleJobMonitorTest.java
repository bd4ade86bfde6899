package dev.docket.queue;

import dev.docket.queue.spi.JobStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.testing.Await;
import dev.docket.queue.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaleJobMonitorTest {
    final ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    final InMemoryJobStore store = new InMemoryJobStore(clock);

    @Test
    void resetsJobsWhoseLeaseExpiredAndLeavesLiveOnesAlone() {
        store.enqueueAll(List.of(NewJob.of("s", "dead"), NewJob.of("s", "alive")));
        Job dead = store.claim("dead-worker", 1, Duration.ofSeconds(30)).get(0);
        clock.advance(Duration.ofSeconds(20));
        Job alive = store.claim("live-worker", 1, Duration.ofSeconds(30)).get(0);
        clock.advance(Duration.ofSeconds(11));

        try (StaleJobMonitor monitor = StaleJobMonitor.create(store, StaleJobPolicy.leaseExpired(), Duration.ofSeconds(10))) {
            assertThat(monitor.runOnce()).extracting(Job::id).containsExactly(dead.id());
            assertThat(monitor.lastFound()).isEqualTo(1);
        }
        assertThat(store.find(dead.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
        assertThat(store.find(dead.id()).orElseThrow().workerId()).isNull();
        assertThat(store.find(alive.id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
    }

    @Test
    void aJobAbandonedOnItsLastAttemptFails() {
        store.enqueue(NewJob.builder("s", "n").maxAttempts(1).build());
        Job j = store.claim("w", 1, Duration.ofSeconds(30)).get(0);
        clock.advance(Duration.ofMinutes(1));
        StaleJobMonitor.create(store, StaleJobPolicy.leaseExpired(), Duration.ofSeconds(10)).runOnce();
        Job after = store.find(j.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.FAILED);
        assertThat(after.lastError()).contains("abandoned by worker w").contains("1/1");
    }

    @Test
    void twoMonitorsResetEachJobOnce() {
        store.enqueue(NewJob.of("s", "n"));
        store.claim("w", 1, Duration.ofSeconds(30));
        clock.advance(Duration.ofMinutes(1));
        StaleJobMonitor a = StaleJobMonitor.create(store, StaleJobPolicy.leaseExpired(), Duration.ofSeconds(10));
        StaleJobMonitor b = StaleJobMonitor.create(store, StaleJobPolicy.leaseExpired(), Duration.ofSeconds(10));
        int resets = a.runOnce().size() + b.runOnce().size();
        assertThat(resets).isEqualTo(1);
    }

    @Test
    void aRowWhoseResetFailsDoesNotStopThePassForTheOthers() {
        store.enqueueAll(List.of(NewJob.of("s", "odd"), NewJob.of("s", "normal")));
        List<Job> claimed = store.claim("w", 2, Duration.ofSeconds(30));
        long odd = claimed.get(0).id();
        clock.advance(Duration.ofMinutes(1));
        JobStore failingForOne = new dev.docket.queue.testing.ForwardingJobStore(store) {
            @Override
            public java.util.Optional<Job> reset(StaleJob stale, StaleDecision decision, String actor) {
                if (stale.job().id() == odd) {
                    throw new IllegalArgumentException("this row is odd");
                }
                return super.reset(stale, decision, actor);
            }
        };
        List<Job> reset = StaleJobMonitor.create(failingForOne, StaleJobPolicy.leaseExpired(), Duration.ofSeconds(10))
                .runOnce();
        assertThat(reset).extracting(Job::id).containsExactly(claimed.get(1).id());
        assertThat(store.find(claimed.get(1).id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void rejectsANonPositiveInterval() {
        assertThatThrownBy(() -> StaleJobMonitor.create(store, StaleJobPolicy.leaseExpired(), Duration.ZERO))
                .hasMessageContaining("interval must be > 0");
    }

    @Test
    void runsPeriodicallyOnANamedThreadAndStopsOnClose() {
        store.enqueue(NewJob.of("s", "n"));
        Job j = store.claim("w", 1, Duration.ofSeconds(30)).get(0);
        clock.advance(Duration.ofMinutes(1));
        StaleJobMonitor monitor = StaleJobMonitor.create(store, StaleJobPolicy.leaseExpired(), Duration.ofMillis(10)).start();
        try {
            Await.until("reset by the periodic check", () -> store.find(j.id()).orElseThrow().status() == JobStatus.PENDING);
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("docket-stale-"));
        } finally {
            monitor.close();
        }
        Await.until("thread stopped", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("docket-stale-monitor-")));
    }
}
