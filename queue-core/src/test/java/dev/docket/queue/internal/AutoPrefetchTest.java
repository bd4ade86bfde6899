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
        runFor(slots, took);
    }

    void runFor(Slots in, Duration took) {
        store.enqueue(NewJob.of("s", "n-" + ticker.read()));
        Job job = store.claim("w", 1, Duration.ofMinutes(5)).get(0);
        InFlight f = new InFlight(job, in.take(), Clock.systemUTC(), ticker, Duration.ofMinutes(5));
        in.hold(f);
        ticker.advance(took);
        in.freeSlot(f);
        in.release(f);
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

    /**
     * Held jobs wait about one short job's time on the recent average: 4 slots running 10 ms jobs hold 4 × 50 / 10
     * = 20 ahead (each waits about 20 / 4 × 10 ms = 50 ms), not the whole 100 the setting allows.
     */
    @Test
    void howManyAreHeldFollowsTheJobsAverageRunTime() {
        Slots upTo100 = new Slots(4, 100, true, "w", ticker, new AtomicBoolean());
        for (int i = 0; i < 60; i++) {
            runFor(upTo100, Duration.ofMillis(10));
        }
        assertThat(upTo100.prefetch()).isEqualTo(20);
        for (int i = 0; i < 60; i++) {
            runFor(upTo100, Duration.ofMillis(40));
        }
        assertThat(upTo100.prefetch()).isEqualTo(5); // 4 × 50 / 40: never fewer than the slots while jobs are short
        for (int i = 0; i < 60; i++) {
            runFor(upTo100, Duration.ofMillis(1));
        }
        assertThat(upTo100.prefetch()).isEqualTo(100); // 200 would be about 50 ms of work: capped by the setting
    }

    @Test
    void aLimitOnTheSlotsLimitsWhatIsHeldAhead() {
        Slots upTo100 = new Slots(4, 100, true, "w", ticker, new AtomicBoolean());
        upTo100.limit(1); // concurrency auto: the extractor runs one at a time now
        for (int i = 0; i < 60; i++) {
            runFor(upTo100, Duration.ofMillis(10));
        }
        assertThat(upTo100.prefetch()).isEqualTo(5);
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
    void theDefaultConfigIsAutoUpToOneClaimAndTheEnvironmentCanSayAutoOrANumber() {
        WorkerConfig d = WorkerConfig.defaults();
        assertThat(d.prefetchAuto()).isTrue();
        assertThat(d.prefetch()).isEqualTo(Math.max(d.concurrency(), d.claimBatchSize()));
        assertThat(WorkerConfig.builder().prefetch(7).build().prefetchAuto()).isFalse();
        WorkerConfig.Builder b = WorkerConfig.builder().prefetch(3);
        WorkerConfigRules.readEnvironment(java.util.Map.of("DOCKET_PREFETCH", "auto"), b);
        assertThat(b.build().prefetchAuto()).isTrue();
        WorkerConfig.Builder n = WorkerConfig.builder();
        WorkerConfigRules.readEnvironment(java.util.Map.of("DOCKET_PREFETCH", "0"), n);
        assertThat(n.build().prefetch()).isZero();
        assertThat(n.build().prefetchAuto()).isFalse();
        assertThat(n.build().toString()).contains("prefetch=0");
        assertThat(d.toString()).contains("prefetch=auto (at most " + d.prefetch() + ")");
    }
}
