package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.testing.FaultInjectingJobStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JobCompleter}: finishing writes, the pending writes kept while the store is down, and their give-up. */
class JobCompleterTest {
    @TempDir
    Path dir;
    final UnitsFixture fx = new UnitsFixture();
    final FaultInjectingJobStore store = new FaultInjectingJobStore(fx.memory);

    InFlight claimed(WorkerUnits u) {
        fx.memory.enqueue(NewJob.of("s", "n" + System.nanoTime()));
        Job job = fx.memory.claim("u1", 1, UnitsFixture.LEASE).get(0);
        InFlight f = new InFlight(job, u.slots.take(), fx.clock, fx.ticker, UnitsFixture.JOB_TIMEOUT);
        u.slots.hold(f);
        assertThat(f.decide()).isTrue();
        return f;
    }

    @Test
    void anOutcomeTheStoreCannotTakeIsKeptRenewedAndWrittenOnceTheStoreIsBack() {
        WorkerUnits u = fx.units(store, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = claimed(u);
        store.failFinish(FaultInjectingJobStore.transientError(), Integer.MAX_VALUE);
        u.completer.write(f, JobOutcome.failed("boom"), null);
        assertThat(u.completer.pendingCount()).isEqualTo(1);
        assertThat(u.completer.pendingLeases()).containsExactly(f.lease());
        assertThat(u.slots.free()).isEqualTo(2); // the slot is free while the write waits
        u.completer.retryPendingOnce();
        assertThat(u.completer.pendingCount()).isEqualTo(1);

        store.heal();
        u.completer.retryPendingOnce();
        assertThat(u.completer.pendingCount()).isZero();
        assertThat(fx.memory.find(f.job().id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
        assertThat(u.completer.failedCount()).isEqualTo(1);
    }

    @Test
    void aPendingWriteIsGivenUpAfterTenLeaseLengthsOnTheTicker() {
        WorkerUnits u = fx.units(store, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = claimed(u);
        store.failFinish(FaultInjectingJobStore.transientError(), Integer.MAX_VALUE);
        u.completer.write(f, JobOutcome.failed("boom"), null);
        fx.ticker.advance(UnitsFixture.LEASE.multipliedBy(JobCompleter.PENDING_WRITE_GIVE_UP_LEASES));
        u.completer.retryPendingOnce();
        assertThat(u.completer.pendingCount()).isEqualTo(1); // not more than ten leases yet
        fx.ticker.advance(Duration.ofMillis(1));
        u.completer.retryPendingOnce();
        assertThat(u.completer.pendingCount()).isZero();
        assertThat(u.completer.pendingLeases()).isEmpty(); // no longer renewed: the stale-job monitor resets it
        assertThat(fx.memory.find(f.job().id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
    }

    @Test
    void aWriteRejectedForALostLeaseIsReportedAsLost() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = claimed(u);
        fx.clock.advance(UnitsFixture.LEASE.plusSeconds(1));
        dev.docket.queue.StaleJobMonitor.create(fx.memory, dev.docket.queue.StaleJobPolicy.leaseExpired(),
                Duration.ofSeconds(1)).runOnce(); // reset: our lease is gone
        u.completer.write(f, JobOutcome.completed("{}"), null);
        assertThat(fx.events).contains("lease lost " + f.job().id());
        assertThat(u.completer.completedCount()).isZero();
        assertThat(fx.memory.find(f.job().id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    }
}
