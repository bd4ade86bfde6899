package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Job;
import dev.docket.queue.JobEventType;
import dev.docket.queue.NewJob;
import dev.docket.queue.StaleJobMonitor;
import dev.docket.queue.StaleJobPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LeaseKeeper#beatOnce()}: renewals keep a running job; a lost lease aborts it. */
class LeaseKeeperTest {
    @TempDir
    Path dir;
    final UnitsFixture fx = new UnitsFixture();

    InFlight running(WorkerUnits u) {
        fx.memory.enqueue(NewJob.of("s", "n"));
        Job job = fx.memory.claim("u1", 1, UnitsFixture.LEASE).get(0);
        InFlight f = new InFlight(job, u.slots.take(), fx.clock, fx.ticker, UnitsFixture.JOB_TIMEOUT);
        u.slots.hold(f);
        return f;
    }

    @Test
    void aBeatRenewsTheLeaseOfARunningJobSoItIsNotStale() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = running(u);
        StaleJobMonitor monitor = StaleJobMonitor.create(fx.memory, StaleJobPolicy.leaseExpired(), Duration.ofSeconds(5));
        for (int i = 0; i < 4; i++) {
            fx.clock.advance(Duration.ofSeconds(20));
            u.leases.beatOnce();
            assertThat(monitor.runOnce()).isEmpty();
        }
        assertThat(f.isDecided()).isFalse();
        assertThat(fx.memory.find(f.job().id()).orElseThrow().leaseExpiresAt())
                .isEqualTo(fx.clock.instant().plus(UnitsFixture.LEASE));
    }

    @Test
    void aLeaseTheStoreNoLongerHoldsForUsAbortsTheJobAndFreesItsSlot() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = running(u);
        fx.clock.advance(UnitsFixture.LEASE.plusSeconds(1)); // no beat: the lease expires
        StaleJobMonitor monitor = StaleJobMonitor.create(fx.memory, StaleJobPolicy.leaseExpired(), Duration.ofSeconds(5));
        assertThat(monitor.runOnce()).extracting(Job::id).containsExactly(f.job().id());
        u.leases.beatOnce();
        assertThat(f.isDecided()).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThat(u.slots.free()).isEqualTo(2);
        assertThat(fx.events).contains("lease lost " + f.job().id());
        assertThat(fx.memory.events(f.job().id())).extracting(e -> e.type()).contains(JobEventType.LEASE_LOST);
    }
}
