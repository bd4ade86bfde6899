package dev.docket.queue;

import dev.docket.queue.spi.JobStore;
import dev.docket.testing.JobStoreContractTest;
import dev.docket.queue.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;

/** Runs the {@link JobStoreContractTest} against {@link InMemoryJobStore} on a {@link ManualClock}. */
class InMemoryJobStoreContractTest extends JobStoreContractTest {
    private ManualClock clock;

    @Override
    protected JobStore createStore() {
        clock = ManualClock.at(Instant.parse("2025-03-01T10:00:00Z"));
        return new InMemoryJobStore(clock);
    }

    @Override
    protected void advanceClock(Duration d) {
        clock.advance(d);
    }
}
