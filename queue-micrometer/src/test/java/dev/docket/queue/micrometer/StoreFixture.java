package dev.docket.queue.micrometer;

import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;

/** What the metrics tests share: an in-memory store on a manual clock at {@link #T0}, and a fresh registry. */
abstract class StoreFixture {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    ManualClock clock;
    InMemoryJobStore store;
    SimpleMeterRegistry registry;

    @BeforeEach
    void setUpStore() {
        clock = ManualClock.at(T0);
        store = new InMemoryJobStore(clock);
        registry = new SimpleMeterRegistry();
    }
}
