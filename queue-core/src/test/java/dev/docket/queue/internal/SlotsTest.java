package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.testing.ManualClock;
import dev.docket.queue.testing.ManualTicker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SlotsTest {
    final ManualClock clock = ManualClock.startingNow();
    final ManualTicker ticker = new ManualTicker();
    final InMemoryJobStore store = new InMemoryJobStore(clock);

    InFlight claimed(Slots slots) {
        store.enqueue(NewJob.of("s", "n" + System.nanoTime()));
        Job job = store.claim("w", 1, Duration.ofSeconds(30)).get(0);
        InFlight f = new InFlight(job, slots.take(), clock, ticker, Duration.ofMinutes(1));
        slots.hold(f);
        return f;
    }

    @Test
    void aSlotIsGivenBackExactlyOnceHoweverOftenItIsReleased() {
        Slots slots = new Slots(2, "w", ticker, new AtomicBoolean());
        InFlight f = claimed(slots);
        assertThat(slots.free()).isEqualTo(1);
        assertThat(slots.get(f.job().id())).isSameAs(f);
        slots.release(f);
        slots.release(f);
        assertThat(slots.free()).isEqualTo(2);
        assertThat(slots.isEmpty()).isTrue();
        claimed(slots);
        claimed(slots);
        assertThat(slots.take()).isNull();
    }

    @Test
    void drainedIsMeasuredOnTheTicker() {
        Slots slots = new Slots(1, "w", ticker, new AtomicBoolean());
        assertThat(slots.awaitDrained(Duration.ZERO)).isTrue();
        InFlight f = claimed(slots);
        assertThat(slots.awaitDrained(Duration.ZERO)).isFalse();
        slots.release(f);
        assertThat(slots.awaitDrained(Duration.ofDays(1))).isTrue();
    }

    @Test
    void aSignalEndsTheNextWaitAtOnceAndIsConsumed() {
        AtomicBoolean closing = new AtomicBoolean();
        Slots slots = new Slots(1, "w", ticker, closing);
        slots.signal();
        slots.awaitSignal(Duration.ofDays(1)); // returns: it was signalled
        closing.set(true);
        slots.awaitSignal(Duration.ofDays(1)); // returns: closing
        assertThat(closing.get()).isTrue();
    }

    @Test
    void theLowestFreeSlotIsTakenFirstAndALimitCapsTheSlotsHeldWithoutTakingAnyAway() {
        Slots slots = new Slots(8, "w", ticker, new AtomicBoolean());
        InFlight a = claimed(slots);
        InFlight b = claimed(slots);
        assertThat(a.slot()).isZero();
        assertThat(b.slot()).isEqualTo(1);
        slots.release(a);
        assertThat(claimed(slots).slot()).as("slot 0 again, not 2").isZero();
        assertThat(slots.limit(1)).isEqualTo(1);
        assertThat(slots.free()).as("two held, limit 1").isZero();
        assertThat(slots.take()).isNull();
        slots.release(b);
        assertThat(slots.free()).isZero();
        assertThat(slots.limit(100)).as("clamped to the concurrency").isEqualTo(8);
        assertThat(slots.free()).isEqualTo(7);
        assertThat(slots.limit(0)).isEqualTo(1);
    }
}
