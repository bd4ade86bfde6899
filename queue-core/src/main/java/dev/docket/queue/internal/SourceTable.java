package dev.docket.queue.internal;

import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.spi.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The in-memory store's flow-control state, one small record per source (the same fields as the SQL store's
 * {@code docket_source} row): own policy, pause, throttling block, circuit, token bucket, in-flight count and the
 * fairness order; plus the default policy, the pause of all sources and the sources' history. It answers how many
 * jobs of a source a claim may take ({@link #quota}), and what a finishing write does to the source and whether
 * the job is put back without spending its attempt ({@link #finished}). Not thread-safe: the store's lock guards
 * it. The rules are documented in {@code docs/sources.md}; {@code PostgresJobStore} implements the same ones in SQL.
 */
public final class SourceTable {
    /** Most source events kept (oldest dropped first). */
    static final int MAX_EVENTS = 10_000;
    /** AIMD: a throttling halves the effective rate, never below this fraction of the policy's rate. */
    public static final double MIN_RATE_FRACTION = 0.01;
    /** AIMD: each success raises the effective rate by this fraction of the policy's rate. */
    public static final double RAISE_FRACTION = 0.05;

    /** The text of the {@code SOURCE_DOWN} event every store writes. */
    public static String sourceDown(String source, String error) {
        return "source " + source + " is down (circuit open); attempt not spent: " + error;
    }

    /** The circuit of a source. */
    public enum Circuit { CLOSED, OPEN, HALF_OPEN }

    /** What a finishing write does with its job. */
    public enum Verdict {
        /** Apply the outcome as given. */
        APPLY,
        /** The source is down: PENDING at once without spending the attempt (event SOURCE_DOWN). */
        SOURCE_DOWN
    }

    /** One source's state. */
    private static final class State {
        SourcePolicy policy;
        boolean paused;
        String pauseReason;
        Instant blockedUntil;
        String blockReason;
        Circuit circuit = Circuit.CLOSED;
        Instant openUntil;
        Duration coolDown;
        int consecutiveFailures;
        double tokens = -1; // < 0: full (not yet used)
        Instant tokensAt;
        double effectiveRate; // 0: the policy's rate
        long inFlight;
        long lastClaimSeq;
        String lastError;
    }

    private final Map<String, State> states = new TreeMap<>();
    private final Deque<SourceEvent> events = new ArrayDeque<>();
    private SourcePolicy defaultPolicy;
    private boolean allPaused;
    private String allPauseReason;
    private long claimSeq;

    /** The own policy of {@code source}, or (null) the stored default. */
    public Optional<SourcePolicy> storedPolicy(String source) {
        if (source == null) {
            return Optional.ofNullable(defaultPolicy);
        }
        State s = states.get(source);
        return Optional.ofNullable(s == null ? null : s.policy);
    }

    /** The policy in force for {@code source}. */
    public SourcePolicy policy(String source) {
        State s = states.get(source);
        return s != null && s.policy != null ? s.policy : defaultPolicy != null ? defaultPolicy : SourcePolicy.defaults();
    }

    /** Sets (null: clears) the own policy of {@code source}, or (source null) the default. */
    public void setPolicy(String source, SourcePolicy policy, String actor, Instant now) {
        if (source == null) {
            defaultPolicy = policy;
            for (Map.Entry<String, State> e : states.entrySet()) {
                if (e.getValue().policy == null) {
                    policyChanged(e.getValue());
                }
            }
        } else {
            State s = state(source);
            s.policy = policy;
            policyChanged(s);
        }
        event(source, SourceEvent.Type.POLICY_CHANGED, actor, (policy == null ? (source == null ? "default policy "
                + "reset to the built-in " : "own policy removed; follows the default ") + policy(source)
                : (source == null ? "default policy " : "policy ") + policy), now);
    }

    private void policyChanged(State s) {
        s.effectiveRate = 0;
        s.tokens = -1;
    }

    /** Pauses a source (null: all). */
    public void pause(String source, String reason, String actor, Instant now) {
        if (source == null) {
            allPaused = true;
            allPauseReason = reason;
        } else {
            State s = state(source);
            s.paused = true;
            s.pauseReason = reason;
        }
        event(source, SourceEvent.Type.PAUSED, actor, reason, now);
    }

    /** Resumes a source (null: all, and every single pause). True when something was paused. */
    public boolean resume(String source, String actor, Instant now) {
        boolean was;
        if (source == null) {
            was = allPaused;
            allPaused = false;
            allPauseReason = null;
            for (State s : states.values()) {
                was |= s.paused;
                s.paused = false;
                s.pauseReason = null;
            }
        } else {
            State s = states.get(source);
            was = s != null && s.paused;
            if (s != null) {
                s.paused = false;
                s.pauseReason = null;
            }
        }
        if (was) {
            event(source, SourceEvent.Type.RESUMED, actor, "resumed by " + actor, now);
        }
        return was;
    }

    /**
     * How many jobs of {@code source} a claim may take now, 0 to {@code limit}: none while paused, blocked, open
     * (one probe once the cool-down has passed) or half-open, then at most the cap's free slots and the whole
     * tokens of the rate. Refills the token bucket.
     */
    public int quota(String source, int limit, Instant now) {
        State s = states.get(source);
        if (allPaused) {
            return 0;
        }
        SourcePolicy p = policy(source);
        if (s == null) {
            return p.isLimiting() ? limitedQuota(state(source), p, limit, now) : limit;
        }
        if (s.paused || (s.blockedUntil != null && s.blockedUntil.isAfter(now))) {
            return 0;
        }
        if (p.breakerFailures().isPresent() && s.circuit != Circuit.CLOSED) {
            if (s.circuit == Circuit.HALF_OPEN || s.openUntil.isAfter(now)) {
                return 0;
            }
            limit = 1; // the probe
        }
        return limitedQuota(s, p, limit, now);
    }

    private static int limitedQuota(State s, SourcePolicy p, int limit, Instant now) {
        int q = limit;
        if (p.concurrency().isPresent()) {
            q = (int) Math.max(0, Math.min(q, p.concurrency().getAsInt() - s.inFlight));
        }
        if (p.rate().isPresent()) {
            SourcePolicy.Rate rate = p.rate().get();
            double perSecond = s.effectiveRate > 0 ? s.effectiveRate : rate.perSecondValue();
            if (s.tokens < 0) {
                s.tokens = rate.burst();
            } else {
                double elapsed = Math.max(0, Duration.between(s.tokensAt, now).toNanos() / 1e9);
                s.tokens = Math.min(rate.burst(), s.tokens + elapsed * perSecond);
            }
            s.tokensAt = now;
            q = (int) Math.min(q, Math.floor(s.tokens + 1e-9));
        }
        return q;
    }

    /** {@code n} jobs of {@code source} were claimed (after {@link #quota}). */
    public void claimed(String source, int n, Instant now, String workerId) {
        State s = state(source);
        s.inFlight += n;
        s.lastClaimSeq = ++claimSeq;
        if (s.tokens >= 0 && policy(source).rate().isPresent()) {
            s.tokens = Math.max(0, s.tokens - n);
        }
        if (s.circuit == Circuit.OPEN && policy(source).breakerFailures().isPresent()) {
            s.circuit = Circuit.HALF_OPEN;
            event(source, SourceEvent.Type.CIRCUIT_HALF_OPEN, workerId, "cool-down of "
                    + Durations.format(s.coolDown) + " passed: one probe job claimed", now);
        }
    }

    /** The fairness order of {@code source}: the source claimed least recently comes first. */
    public long claimOrder(String source) {
        State s = states.get(source);
        return s == null ? 0 : s.lastClaimSeq;
    }

    /**
     * A PROCESSING job of {@code source} finished with {@code outcome} ({@code error} its cleaned error text):
     * updates the in-flight count, the circuit, the throttling block and the effective rate, and says whether the
     * outcome is applied or the job goes back without spending its attempt.
     */
    public Verdict finished(String source, JobOutcome outcome, String error, Instant now, String workerId) {
        State s = state(source);
        s.inFlight = Math.max(0, s.inFlight - 1);
        SourcePolicy p = policy(source);
        boolean breaker = p.breakerFailures().isPresent();
        if (error != null && outcome.kind() != JobOutcome.Kind.RELEASED) {
            s.lastError = error;
        }
        switch (outcome.kind()) {
            case COMPLETED -> {
                s.consecutiveFailures = 0;
                if (s.circuit != Circuit.CLOSED) {
                    s.circuit = Circuit.CLOSED;
                    s.openUntil = null;
                    s.coolDown = null;
                    event(source, SourceEvent.Type.CIRCUIT_CLOSED, workerId, "a job succeeded: circuit closed", now);
                }
                if (s.effectiveRate > 0 && p.rate().isPresent()) {
                    double full = p.rate().get().perSecondValue();
                    s.effectiveRate = s.effectiveRate + full * RAISE_FRACTION >= full ? 0
                            : s.effectiveRate + full * RAISE_FRACTION;
                }
                return Verdict.APPLY;
            }
            case THROTTLED -> {
                Duration wait = outcome.delay().isZero() ? p.throttleWithoutHint()
                        : outcome.delay().compareTo(p.throttleMax()) > 0 ? p.throttleMax() : outcome.delay();
                Instant until = JobTable.micros(now.plus(wait));
                if (s.blockedUntil == null || until.isAfter(s.blockedUntil)) {
                    s.blockedUntil = until;
                }
                s.blockReason = error;
                String cut = "";
                if (p.rate().isPresent()) {
                    double full = p.rate().get().perSecondValue();
                    double from = s.effectiveRate > 0 ? s.effectiveRate : full;
                    s.effectiveRate = Math.max(full * MIN_RATE_FRACTION, from / 2);
                    cut = String.format(java.util.Locale.ROOT, "; effective rate cut to %.3g/s", s.effectiveRate);
                }
                rearmProbe(s);
                event(source, SourceEvent.Type.THROTTLED, workerId, "blocked until " + s.blockedUntil + ": " + error
                        + cut, now);
                return Verdict.APPLY;
            }
            default -> {
                if (!outcome.sourceFailure()) {
                    rearmProbe(s);
                    return Verdict.APPLY;
                }
                s.consecutiveFailures++;
                if (!breaker) {
                    return Verdict.APPLY;
                }
                if (s.circuit == Circuit.HALF_OPEN) {
                    s.coolDown = min(s.coolDown == null ? p.coolDownFrom() : s.coolDown.multipliedBy(2), p.coolDownTo());
                    open(s, source, now, workerId, "the probe failed: " + error);
                    return Verdict.SOURCE_DOWN;
                }
                if (s.circuit == Circuit.OPEN) {
                    return Verdict.SOURCE_DOWN;
                }
                if (s.consecutiveFailures >= p.breakerFailures().getAsInt()) {
                    s.coolDown = p.coolDownFrom();
                    open(s, source, now, workerId, s.consecutiveFailures + " consecutive transient failures; last: "
                            + error);
                    return Verdict.SOURCE_DOWN;
                }
                return Verdict.APPLY;
            }
        }
    }

    private void open(State s, String source, Instant now, String workerId, String why) {
        s.circuit = Circuit.OPEN;
        s.openUntil = JobTable.micros(now.plus(s.coolDown));
        event(source, SourceEvent.Type.CIRCUIT_OPENED, workerId, "open until " + s.openUntil + " (cool-down "
                + Durations.format(s.coolDown) + "): " + why, now);
    }

    /** A half-open source whose job ended without telling whether the source is up: the next claim probes again. */
    private static void rearmProbe(State s) {
        if (s.circuit == Circuit.HALF_OPEN) {
            s.circuit = Circuit.OPEN;
            s.openUntil = Instant.MIN;
        }
    }

    /** A PROCESSING job of {@code source} left without a finishing write (stale reset): frees its slot. */
    public void left(String source) {
        State s = states.get(source);
        if (s != null) {
            s.inFlight = Math.max(0, s.inFlight - 1);
            rearmProbe(s);
        }
    }

    /**
     * Sets every source's in-flight count to its PROCESSING count ({@code processing}, by source) and re-arms a
     * half-open circuit whose probe is gone. Returns how many sources were corrected.
     */
    public int reconcile(java.util.function.ToLongFunction<String> processing) {
        int n = 0;
        for (Map.Entry<String, State> e : states.entrySet()) {
            State s = e.getValue();
            long actual = processing.applyAsLong(e.getKey());
            if (s.inFlight != actual) {
                s.inFlight = actual;
                n++;
            }
            if (actual == 0 && s.circuit == Circuit.HALF_OPEN) {
                rearmProbe(s);
                n++;
            }
        }
        return n;
    }

    /** The status of {@code source}: the figures from the jobs ({@code jobs}) and the state from here. */
    public SourceStatus status(String source, Figures jobs, Instant now) {
        State s = states.get(source);
        SourcePolicy p = policy(source);
        SourceStatus.State state = SourceStatus.State.CLOSED;
        Instant until = null;
        String reason = null;
        boolean open = s != null && p.breakerFailures().isPresent() && s.circuit != Circuit.CLOSED;
        if (allPaused || (s != null && s.paused)) {
            state = SourceStatus.State.PAUSED;
            reason = s != null && s.paused ? s.pauseReason : allPauseReason + " (all sources)";
        } else if (open && s.circuit == Circuit.OPEN && s.openUntil.isAfter(now)) {
            state = SourceStatus.State.OPEN;
            until = s.openUntil;
        } else if (open) {
            state = SourceStatus.State.HALF_OPEN;
        } else if (s != null && s.blockedUntil != null && s.blockedUntil.isAfter(now)) {
            state = SourceStatus.State.BLOCKED;
            until = s.blockedUntil;
            reason = s.blockReason;
        }
        double rate = p.rate().map(r -> s != null && s.effectiveRate > 0 ? s.effectiveRate : r.perSecondValue())
                .orElse(0.0);
        return new SourceStatus(source, jobs.pending(), jobs.processing(), p, s != null && s.policy != null, state,
                until, reason, rate, s == null ? 0 : s.consecutiveFailures, jobs.completed(), jobs.failed(), jobs.p50(),
                jobs.p95(), s == null ? null : s.lastError);
    }

    /** Every source with jobs or state, by name, its figures from {@code jobs}' last 60 minutes. */
    public List<SourceStatus> statuses(JobTable jobs, Instant now) {
        Map<String, List<JobTable.Row>> recent = new java.util.HashMap<>();
        for (JobTable.Row r : jobs.finishedSince(now.minus(Duration.ofMinutes(60)))) {
            recent.computeIfAbsent(r.documentSource, k -> new ArrayList<>()).add(r);
        }
        java.util.Set<String> names = new java.util.TreeSet<>(jobs.sources());
        names.addAll(states.keySet());
        List<SourceStatus> out = new ArrayList<>(names.size());
        for (String source : names) {
            List<Duration> times = new ArrayList<>();
            long failed = 0;
            for (JobTable.Row r : recent.getOrDefault(source, List.of())) {
                if (r.status == dev.docket.queue.JobStatus.COMPLETED && r.processingStartedAt != null) {
                    times.add(Duration.between(r.processingStartedAt, r.completedAt));
                }
                failed += r.status == dev.docket.queue.JobStatus.FAILED ? 1 : 0;
            }
            times.sort(null);
            out.add(status(source, new Figures(jobs.count(source, dev.docket.queue.JobStatus.PENDING),
                    jobs.count(source, dev.docket.queue.JobStatus.PROCESSING), times.size(), failed,
                    percentile(times, 50), percentile(times, 95)), now));
        }
        return out;
    }

    /** The nearest-rank percentile of sorted durations, or null for none. */
    public static Duration percentile(List<Duration> sorted, int p) {
        return sorted.isEmpty() ? null : sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** The figures of a source's jobs for {@link #status}. */
    public record Figures(long pending, long processing, long completed, long failed, Duration p50, Duration p95) {
    }

    /** The newest {@code limit} events of {@code source} (null: all), oldest first. */
    public List<SourceEvent> events(String source, int limit) {
        List<SourceEvent> out = new ArrayList<>();
        for (var it = events.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            SourceEvent e = it.next();
            if (source == null || e.source().equals(source)) {
                out.add(e);
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private void event(String source, SourceEvent.Type type, String actor, String message, Instant now) {
        events.addLast(new SourceEvent(source == null ? SourceEvent.ALL_SOURCES : source, type, StoredText.clean(actor),
                StoredText.clean(message), now));
        while (events.size() > MAX_EVENTS) {
            events.removeFirst();
        }
    }

    private State state(String source) {
        return states.computeIfAbsent(source, k -> new State());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
