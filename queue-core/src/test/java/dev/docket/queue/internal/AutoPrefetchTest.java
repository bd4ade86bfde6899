package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.testing.ManualTicker;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The default prefetch ({@code auto}, #14): jobs are claimed ahead only while this runtime's jobs are short, so
 * short jobs save the claim round trips and browser jobs stay claimable by any worker until a slot is free.
 */
class AutoPrefetchTest {
    final ManualTicker ticker = new ManualTicker();
    final InMemoryJobStore store = new InMemoryJobStore();
    final Slots slots = new Slots(4, 4, true, "w", ticker, new AtomicBoolean());

    /** Runs one job in a slot for {@code took} on the ticker and hands its outcome over. */
    void runFor(Duration took) {
        store.enqueue(NewJob.of("s", "n-" + ticker.read()));
        Job job = store.claim("w", 1, Duration.ofMinutes(5)).get(0);
        InFlight f = new InFlight(job, slots.take(), Clock.systemUTC(), ticker, Duration.ofMinutes(5));
        slots.hold(f);
        ticker.advance(took);
        slots.freeSlot(f);
        slots.release(f);
    }

    @Test
    void nothingIsClaimedAheadBeforeTheFirstJobEnded() {
        assertThat(slots.prefetch()).isZero();
    }

    @Test
    void shortJobsClaimAheadUpToTheConcurrency() {
        runFor(Duration.ofMillis(2));
        assertThat(slots.prefetch()).isEqualTo(4);
    }

    @Test
    void longJobsClaimNothingAhead() {
        runFor(Duration.ofSeconds(3));
        assertThat(slots.prefetch()).isZero();
    }

    @Test
    void itTurnsOffWhenJobsBecomeLongAndOnAgainWhenTheyAreShortAgain() {
        for (int i = 0; i < 5; i++) {
            runFor(Duration.ofMillis(1));
        }
        assertThat(slots.prefetch()).isEqualTo(4);
        runFor(Duration.ofSeconds(2)); // one browser job lifts the moving average far past the threshold
        assertThat(slots.prefetch()).isZero();
        for (int i = 0; i < 40; i++) {
            runFor(Duration.ofMillis(1));
        }
        assertThat(slots.prefetch()).isEqualTo(4);
    }

    @Test
    void aFixedPrefetchIgnoresTheJobsRunTimes() {
        Slots fixed = new Slots(4, 2, false, "w", ticker, new AtomicBoolean());
        assertThat(fixed.prefetch()).isEqualTo(2);
        assertThat(new Slots(4, 0, false, "w", ticker, new AtomicBoolean()).prefetch()).isZero();
    }

    @Test
    void theDefaultConfigIsAutoUpToTheConcurrencyAndTheEnvironmentCanSayAutoOrANumber() {
        WorkerConfig d = WorkerConfig.defaults();
        assertThat(d.prefetchAuto()).isTrue();
        assertThat(d.prefetch()).isEqualTo(d.concurrency());
        assertThat(WorkerConfig.builder().prefetch(7).build().prefetchAuto()).isFalse();
        WorkerConfig.Builder b = WorkerConfig.builder().prefetch(3);
        WorkerConfigRules.readEnvironment(java.util.Map.of("DOCKET_PREFETCH", "auto"), b);
        assertThat(b.build().prefetchAuto()).isTrue();
        WorkerConfig.Builder n = WorkerConfig.builder();
        WorkerConfigRules.readEnvironment(java.util.Map.of("DOCKET_PREFETCH", "0"), n);
        assertThat(n.build().prefetch()).isZero();
        assertThat(n.build().prefetchAuto()).isFalse();
        assertThat(n.build().toString()).contains("prefetch=0");
        assertThat(d.toString()).contains("prefetch=auto (at most " + d.concurrency() + ")");
    }
}
