package dev.docket.queue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualClockTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void standsStillUntilAdvanced() {
        ManualClock clock = ManualClock.at(T0);
        assertThat(clock.instant()).isEqualTo(T0);
        assertThat(clock.millis()).isEqualTo(T0.toEpochMilli());

        clock.advance(Duration.ofSeconds(31));

        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(31));
    }

    @Test
    void advanceRejectsANegativeAmountAndKeepsTheTime() {
        ManualClock clock = ManualClock.at(T0);
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amount");
        assertThat(clock.instant()).isEqualTo(T0);
    }

    @Test
    void advanceByZeroChangesNothing() {
        ManualClock clock = ManualClock.at(T0);
        clock.advance(Duration.ZERO);
        assertThat(clock.instant()).isEqualTo(T0);
    }

    @Test
    void setMovesTheClockEitherWay() {
        ManualClock clock = ManualClock.at(T0);
        clock.set(T0.plusSeconds(100));
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(100));
        clock.set(T0.minusSeconds(100));
        assertThat(clock.instant()).isEqualTo(T0.minusSeconds(100));
    }

    @Test
    void rejectsNulls() {
        assertThatThrownBy(() -> ManualClock.at(null)).isInstanceOf(NullPointerException.class);
        ManualClock clock = ManualClock.at(T0);
        assertThatThrownBy(() -> clock.set(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> clock.advance(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void startingNowStartsAtTheSystemTimeInMicroseconds() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        ManualClock clock = ManualClock.startingNow();
        Instant after = Instant.now();

        assertThat(clock.instant()).isBetween(before, after);
        assertThat(clock.instant().getNano() % 1000).isZero();
    }

    @Test
    void isInUtcAndAZonedCopySharesTheTime() {
        ManualClock clock = ManualClock.at(T0);
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);

        ManualClock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(paris.instant()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
    }

    @Test
    void concurrentAdvancesAreNeverLost() throws Exception {
        ManualClock clock = ManualClock.at(T0);
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        clock.advance(Duration.ofMillis(1));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(clock.instant()).isEqualTo(T0.plusMillis((long) threads * perThread));
    }
}
