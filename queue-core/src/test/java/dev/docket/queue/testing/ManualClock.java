package dev.docket.queue.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * <b>queue-core's own test copy</b> of queue-testing's {@code ManualClock}: queue-core's tests cannot depend on
 * queue-testing, which depends on queue-core (Maven refuses the cycle). Keep the two alike; users get the
 * published one from {@code dev.docket:queue-testing}.
 *
 * <p>A {@link Clock} that only moves when told to, for deterministic tests of leases, time-outs and
 * stale-job detection: hand it to {@code new InMemoryJobStore(clock)} (and to the runtime), then
 * {@link #advance(Duration)} instead of sleeping.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.startingNow();
 * JobStore store = new InMemoryJobStore(clock);
 * ...
 * clock.advance(Duration.ofSeconds(31)); // every lease of 30 s has now expired
 * }</pre>
 *
 * <p>Thread-safe: reads and updates are atomic, so one test thread may move the clock while worker
 * threads read it. Copies made with {@link #withZone(ZoneId)} share the same time (advancing one
 * advances all); only the zone differs. The zone is UTC unless changed.
 */
public final class ManualClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * A clock standing at {@code instant}, in UTC.
     *
     * @throws NullPointerException when {@code instant} is null
     */
    public static ManualClock at(Instant instant) {
        return new ManualClock(new AtomicReference<>(Objects.requireNonNull(instant, "instant")), ZoneOffset.UTC);
    }

    /**
     * A clock standing at the current system time, truncated to microseconds (the precision
     * PostgreSQL and the in-memory store keep), in UTC.
     */
    public static ManualClock startingNow() {
        return at(Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * Moves the clock forward by {@code amount}.
     *
     * @throws IllegalArgumentException when {@code amount} is negative (use {@link #set(Instant)} to go back)
     * @throws NullPointerException when {@code amount} is null
     */
    public void advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount must be >= 0 but was " + amount);
        }
        now.updateAndGet(t -> t.plus(amount));
    }

    /**
     * Sets the clock to {@code instant}, forwards or backwards.
     *
     * @throws NullPointerException when {@code instant} is null
     */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view of the same time in another zone: advancing either clock moves both. */
    @Override
    public ManualClock withZone(ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        return zone.equals(this.zone) ? this : new ManualClock(now, zone);
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + "," + zone + "]";
    }
}
