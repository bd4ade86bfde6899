package dev.docket.queue.internal;

import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.spi.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The flow-control state of one source (the fields of the SQL store's {@code docket_source} row) and the rules that
 * change it, shared by both stores so that they behave alike: how many jobs a claim may take ({@link #quota}),
 * what a claim ({@link #claimed}) and a finishing write ({@link #finished}) do to it. The store holds the state
 * under its lock (the in-memory store) or a row lock (PostgreSQL), passes its own clock's {@code now}, and records
 * the {@link SourceEvent}s the rules emit. Not thread-safe. The rules are described in {@code docs/sources.md}.
 */
public final class SourceState {
    /** AIMD: a throttling halves the effective rate, never below this fraction of the policy's rate. */
    public static final double MIN_RATE_FRACTION = 0.01;
    /** AIMD: each success raises the effective rate by this fraction of the policy's rate. */
    public static final double RAISE_FRACTION = 0.05;

    /** The circuit of a source (stored as its ordinal). */
    public enum Circuit { CLOSED, OPEN, HALF_OPEN }

    /** What a finishing write does with its job. */
    public enum Verdict {
        /** Apply the outcome as given. */
        APPLY,
        /** The source is down: PENDING at once without spending the attempt (event SOURCE_DOWN). */
        SOURCE_DOWN
    }

    public final String source;
    /** Its own policy, or null (it follows the default). */
    public SourcePolicy policy;
    public boolean paused;
    public String pauseReason;
    public Instant blockedUntil;
    public String blockReason;
    public Circuit circuit = Circuit.CLOSED;
    public Instant openUntil;
    public Duration coolDown;
    public int consecutiveFailures;
    /** Tokens in the bucket; negative: full (not used since the policy changed). */
    public double tokens = -1;
    public Instant tokensAt;
    /** Claims per second after AIMD; 0: the policy's rate. */
    public double effectiveRate;
    public long inFlight;
    public String lastError;

    public SourceState(String source) {
        this.source = source;
    }

    /** The text of the {@code SOURCE_DOWN} event every store writes. */
    public static String sourceDown(String source, String error) {
        return "source " + source + " is down (circuit open); attempt not spent: " + error;
    }

    /** The policy (own, or else {@code fallback}) changed: the bucket and the effective rate start afresh. */
    public void policyChanged() {
        effectiveRate = 0;
        tokens = -1;
    }

    /**
     * How many jobs a claim may take now under policy {@code p}, 0 to {@code limit}: none while paused, blocked,
     * open (one probe once the cool-down has passed) or half-open, then at most the cap's free slots and the whole
     * tokens of the rate. Refills the token bucket.
     */
    public int quota(SourcePolicy p, int limit, Instant now) {
        if (paused || (blockedUntil != null && blockedUntil.isAfter(now))) {
            return 0;
        }
        if (p.breakerFailures().isPresent() && circuit != Circuit.CLOSED) {
            if (circuit == Circuit.HALF_OPEN || openUntil.isAfter(now)) {
                return 0;
            }
            limit = 1; // the probe
        }
        int q = limit;
        if (p.concurrency().isPresent()) {
            q = (int) Math.max(0, Math.min(q, p.concurrency().getAsInt() - inFlight));
        }
        if (p.rate().isPresent()) {
            SourcePolicy.Rate rate = p.rate().get();
            tokens = tokens < 0 || tokensAt == null ? rate.burst() : tokensAt(rate, now);
            tokensAt = now;
            q = (int) Math.min(q, Math.floor(tokens + 1e-9));
        }
        return q;
    }

    /**
     * How long after {@code now} this source can give a claim a job again by time alone: the end of a throttling's
     * block, of an open circuit's cool-down, and the rate's next whole token, whichever comes last (rounded up to
     * whole milliseconds, at least 1 ms). Null when it can now, or only after something other than time: paused,
     * half-open (the probe's end), cap full (a finishing write). Changes nothing; read after {@link #quota} and
     * {@link #claimed} with the same {@code now}.
     */
    public Duration nextClaimableIn(SourcePolicy p, Instant now) {
        if (paused) {
            return null;
        }
        long waitNanos = 0;
        if (blockedUntil != null && blockedUntil.isAfter(now)) {
            waitNanos = Duration.between(now, blockedUntil).toNanos();
        }
        if (p.breakerFailures().isPresent() && circuit != Circuit.CLOSED) {
            if (circuit == Circuit.HALF_OPEN) {
                return null;
            }
            if (openUntil.isAfter(now)) {
                waitNanos = Math.max(waitNanos, Duration.between(now, openUntil).toNanos());
            }
        }
        if (p.concurrency().isPresent() && inFlight >= p.concurrency().getAsInt()) {
            return null;
        }
        if (p.rate().isPresent() && tokens >= 0 && tokensAt != null) {
            SourcePolicy.Rate rate = p.rate().get();
            double due = tokensAt(rate, now);
            if (due + 1e-9 < 1) {
                waitNanos = Math.max(waitNanos, (long) Math.ceil((1 - due) / perSecond(rate) * 1e9));
            }
        }
        if (waitNanos <= 0) {
            return null;
        }
        return Duration.ofMillis(Math.max(1, (waitNanos + 999_999) / 1_000_000));
    }

    /** The tokens of the bucket at {@code now}: those of {@code tokensAt} refilled at the effective rate, at most the burst. */
    private double tokensAt(SourcePolicy.Rate rate, Instant now) {
        double elapsed = Math.max(0, Duration.between(tokensAt, now).toNanos() / 1e9);
        return Math.min(rate.burst(), tokens + elapsed * perSecond(rate));
    }

    /** The rate in force: the AIMD-cut one while cut, else the policy's. */
    private double perSecond(SourcePolicy.Rate rate) {
        return effectiveRate > 0 ? effectiveRate : rate.perSecondValue();
    }

    /** {@code n} jobs were claimed after {@link #quota}: takes the slots and tokens; the probe makes it half-open. */
    public void claimed(SourcePolicy p, int n, Instant now, String workerId, Consumer<SourceEvent> events) {
        inFlight += n;
        if (tokens >= 0 && p.rate().isPresent()) {
            tokens = Math.max(0, tokens - n);
        }
        if (circuit == Circuit.OPEN && p.breakerFailures().isPresent()) {
            circuit = Circuit.HALF_OPEN;
            events.accept(event(SourceEvent.Type.CIRCUIT_HALF_OPEN, workerId, "cool-down of "
                    + Durations.format(coolDown == null ? p.coolDownFrom() : coolDown) + " passed: one probe job claimed",
                    now));
        }
    }

    /**
     * A PROCESSING job finished with {@code outcome} ({@code error} its cleaned error text): frees its slot and
     * updates the circuit, the throttling block and the effective rate; says whether the outcome is applied or the
     * job goes back without spending its attempt.
     */
    public Verdict finished(SourcePolicy p, JobOutcome outcome, String error, Instant now, String workerId,
            Consumer<SourceEvent> events) {
        inFlight = Math.max(0, inFlight - 1);
        if (error != null && outcome.kind() != JobOutcome.Kind.RELEASED) {
            lastError = error;
        }
        switch (outcome.kind()) {
            case COMPLETED -> {
                succeeded(p, 1, now, workerId, events);
                return Verdict.APPLY;
            }
            case THROTTLED -> {
                throttled(p, outcome.delay(), error, now, workerId, events);
                return Verdict.APPLY;
            }
            default -> {
                if (!outcome.sourceFailure()) {
                    rearmProbe();
                    return Verdict.APPLY;
                }
                consecutiveFailures++;
                if (p.breakerFailures().isEmpty()) {
                    return Verdict.APPLY;
                }
                if (circuit == Circuit.HALF_OPEN) {
                    coolDown = min(coolDown == null ? p.coolDownFrom() : coolDown.multipliedBy(2), p.coolDownTo());
                    open(now, workerId, "the probe failed: " + error, events);
                    return Verdict.SOURCE_DOWN;
                }
                if (circuit == Circuit.OPEN) {
                    return Verdict.SOURCE_DOWN;
                }
                if (consecutiveFailures >= p.breakerFailures().getAsInt()) {
                    coolDown = p.coolDownFrom();
                    open(now, workerId, consecutiveFailures + " consecutive transient failures; last: " + error, events);
                    return Verdict.SOURCE_DOWN;
                }
                return Verdict.APPLY;
            }
        }
    }

    /** {@code n} jobs completed: the failures are forgotten, the circuit closes, the effective rate rises. */
    public void succeeded(SourcePolicy p, int n, Instant now, String workerId, Consumer<SourceEvent> events) {
        consecutiveFailures = 0;
        if (circuit != Circuit.CLOSED) {
            circuit = Circuit.CLOSED;
            openUntil = null;
            coolDown = null;
            events.accept(event(SourceEvent.Type.CIRCUIT_CLOSED, workerId, "a job succeeded: circuit closed", now));
        }
        if (effectiveRate > 0 && p.rate().isPresent()) {
            double full = p.rate().get().perSecondValue();
            double raised = effectiveRate + full * RAISE_FRACTION * n;
            effectiveRate = raised >= full ? 0 : raised;
        }
    }

    private void throttled(SourcePolicy p, Duration asked, String why, Instant now, String workerId,
            Consumer<SourceEvent> events) {
        Duration wait = asked.isZero() ? p.throttleWithoutHint() : min(asked, p.throttleMax());
        Instant until = JobTable.micros(now.plus(wait));
        if (blockedUntil == null || until.isAfter(blockedUntil)) {
            blockedUntil = until;
        }
        blockReason = why;
        String cut = "";
        if (p.rate().isPresent()) {
            double full = p.rate().get().perSecondValue();
            effectiveRate = Math.max(full * MIN_RATE_FRACTION, (effectiveRate > 0 ? effectiveRate : full) / 2);
            cut = String.format(Locale.ROOT, "; effective rate cut to %.3g/s", effectiveRate);
        }
        rearmProbe();
        events.accept(event(SourceEvent.Type.THROTTLED, workerId, "blocked until " + blockedUntil + ": " + why + cut,
                now));
    }

    private void open(Instant now, String workerId, String why, Consumer<SourceEvent> events) {
        circuit = Circuit.OPEN;
        openUntil = JobTable.micros(now.plus(coolDown));
        events.accept(event(SourceEvent.Type.CIRCUIT_OPENED, workerId, "open until " + openUntil + " (cool-down "
                + Durations.format(coolDown) + "): " + why, now));
    }

    /** A half-open source whose probe ended without telling whether the source is up: the next claim probes again. */
    public void rearmProbe() {
        if (circuit == Circuit.HALF_OPEN) {
            circuit = Circuit.OPEN;
            openUntil = Instant.EPOCH;
        }
    }

    /** A PROCESSING job left without a finishing write (a stale reset): frees its slot. */
    public void left() {
        inFlight = Math.max(0, inFlight - 1);
        rearmProbe();
    }

    /** An event of this source. */
    public SourceEvent event(SourceEvent.Type type, String actor, String message, Instant now) {
        return new SourceEvent(source, type, StoredText.clean(actor), StoredText.clean(message), now);
    }

    /**
     * The status under policy {@code p} ({@code own}: its own), {@code allPausedReason} non-null while all sources
     * are paused, with the figures of its jobs.
     */
    public SourceStatus status(SourcePolicy p, boolean own, String allPausedReason, Figures jobs, Instant now) {
        SourceStatus.State state = SourceStatus.State.CLOSED;
        Instant until = null;
        String reason = null;
        boolean open = p.breakerFailures().isPresent() && circuit != Circuit.CLOSED;
        if (paused || allPausedReason != null) {
            state = SourceStatus.State.PAUSED;
            reason = paused ? pauseReason : allPausedReason + " (all sources)";
        } else if (open && circuit == Circuit.OPEN && openUntil.isAfter(now)) {
            state = SourceStatus.State.OPEN;
            until = openUntil;
        } else if (open) {
            state = SourceStatus.State.HALF_OPEN;
        } else if (blockedUntil != null && blockedUntil.isAfter(now)) {
            state = SourceStatus.State.BLOCKED;
            until = blockedUntil;
            reason = blockReason;
        }
        double rate = p.rate().map(this::perSecond).orElse(0.0);
        return new SourceStatus(source, jobs.pending(), jobs.processing(), p, own, state, until, reason, rate,
                consecutiveFailures, jobs.completed(), jobs.failed(), jobs.p50(), jobs.p95(),
                jobs.lastError() != null ? jobs.lastError() : lastError);
    }

    /**
     * The figures of a source's jobs for {@link #status}; {@code lastError} is the error of the source's job that
     * failed or was put back for a retry most recently in the last 60 minutes (null: none), which wins over the
     * error the source's row last recorded (the row is written only for sources with a limiting policy).
     */
    public record Figures(long pending, long processing, long completed, long failed, Duration p50, Duration p95,
            String lastError) {
        /** Figures from counts and the sorted extraction times of the jobs completed in the last 60 minutes. */
        public static Figures of(long pending, long processing, List<Duration> sortedTimes, long failed,
                String lastError) {
            return new Figures(pending, processing, sortedTimes.size(), failed, percentile(sortedTimes, 50),
                    percentile(sortedTimes, 95), lastError);
        }
    }

    /** The nearest-rank percentile of sorted durations, or null for none. */
    public static Duration percentile(List<Duration> sorted, int p) {
        return sorted.isEmpty() ? null : sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
