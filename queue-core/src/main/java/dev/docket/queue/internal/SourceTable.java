package dev.docket.queue.internal;

import dev.docket.queue.JobStatus;
import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.spi.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * The in-memory store's flow-control state: a {@link SourceState} per source, the default policy, the pause of all
 * sources, the fairness order and the sources' history (the newest {@value #MAX_EVENTS} events). The rules
 * themselves are {@link SourceState}'s, shared with {@code PostgresJobStore}. Not thread-safe: the store's lock
 * guards it.
 */
public final class SourceTable {
    /** Most source events kept (oldest dropped first). */
    static final int MAX_EVENTS = 10_000;

    private final Map<String, SourceState> states = new TreeMap<>();
    private final Map<String, Long> lastClaim = new HashMap<>();
    private final Deque<SourceEvent> events = new ArrayDeque<>();
    private SourcePolicy defaultPolicy;
    private String allPauseReason;
    private long claimSeq;

    /** The own policy of {@code source}, or (null) the stored default. */
    public Optional<SourcePolicy> storedPolicy(String source) {
        if (source == null) {
            return Optional.ofNullable(defaultPolicy);
        }
        SourceState s = states.get(source);
        return Optional.ofNullable(s == null ? null : s.policy);
    }

    /** The policy in force for {@code source}. */
    public SourcePolicy policy(String source) {
        SourceState s = states.get(source);
        return s != null && s.policy != null ? s.policy : defaultPolicy != null ? defaultPolicy : SourcePolicy.defaults();
    }

    /** Sets (null: clears) the own policy of {@code source}, or (source null) the default. */
    public void setPolicy(String source, SourcePolicy policy, String actor, Instant now) {
        if (source == null) {
            defaultPolicy = policy;
            states.values().stream().filter(s -> s.policy == null).forEach(SourceState::policyChanged);
        } else {
            SourceState s = state(source);
            s.policy = policy;
            s.policyChanged();
        }
        String text = policy == null ? (source == null ? "default policy reset to the built-in " + SourcePolicy.defaults()
                : "own policy removed; follows the default " + policy(source))
                : (source == null ? "default policy " : "policy ") + policy;
        event(source, SourceEvent.Type.POLICY_CHANGED, actor, text, now);
    }

    /** Pauses a source (null: all). */
    public void pause(String source, String reason, String actor, Instant now) {
        if (source == null) {
            allPauseReason = reason;
        } else {
            SourceState s = state(source);
            s.paused = true;
            s.pauseReason = reason;
        }
        event(source, SourceEvent.Type.PAUSED, actor, reason, now);
    }

    /** Resumes a source (null: all, and every single pause). True when something was paused. */
    public boolean resume(String source, String actor, Instant now) {
        boolean was = source == null && allPauseReason != null;
        if (source == null) {
            allPauseReason = null;
        }
        for (SourceState s : source == null ? states.values() : Optional.ofNullable(states.get(source)).stream().toList()) {
            was |= s.paused;
            s.paused = false;
            s.pauseReason = null;
        }
        if (was) {
            event(source, SourceEvent.Type.RESUMED, actor, "resumed by " + actor, now);
        }
        return was;
    }

    /** How many jobs of {@code source} a claim may take now ({@link SourceState#quota}); none while all are paused. */
    public int quota(String source, int limit, Instant now) {
        if (allPauseReason != null) {
            return 0;
        }
        SourcePolicy p = policy(source);
        SourceState s = states.get(source);
        if (s == null && !p.isLimiting()) {
            return limit; // the fast path: nothing to check, nothing to count
        }
        return (s == null ? state(source) : s).quota(p, limit, now);
    }

    /**
     * How long until {@code source} can give a claim a job by time alone ({@link SourceState#nextClaimableIn}); null
     * when it can now, never by time alone (paused, all sources paused, half-open, cap full), or it has no state.
     */
    public Duration nextClaimableIn(String source, Instant now) {
        SourceState s = states.get(source);
        return allPauseReason != null || s == null ? null : s.nextClaimableIn(policy(source), now);
    }

    /** {@code n} jobs of {@code source} were claimed (after {@link #quota}). */
    public void claimed(String source, int n, Instant now, String workerId) {
        state(source).claimed(policy(source), n, now, workerId, this::add);
        lastClaim.put(source, ++claimSeq);
    }

    /** The fairness order of {@code source}: the source claimed least recently comes first. */
    public long claimOrder(String source) {
        return lastClaim.getOrDefault(source, 0L);
    }

    /** A PROCESSING job of {@code source} finished ({@link SourceState#finished}). */
    public SourceState.Verdict finished(String source, JobOutcome outcome, String error, Instant now, String workerId) {
        return state(source).finished(policy(source), outcome, error, now, workerId, this::add);
    }

    /** A PROCESSING job of {@code source} left without a finishing write (stale reset): frees its slot. */
    public void left(String source) {
        SourceState s = states.get(source);
        if (s != null) {
            s.left();
        }
    }

    /**
     * Sets every source's in-flight count to its PROCESSING count and re-arms a half-open circuit whose probe is
     * gone. Returns how many sources were corrected.
     */
    public int reconcile(ToLongFunction<String> processing) {
        int n = 0;
        for (SourceState s : states.values()) {
            long actual = processing.applyAsLong(s.source);
            if (s.inFlight != actual || (actual == 0 && s.circuit == SourceState.Circuit.HALF_OPEN)) {
                s.inFlight = actual;
                if (actual == 0) {
                    s.rearmProbe();
                }
                n++;
            }
        }
        return n;
    }

    /** Every source with live jobs or a state, by name, without the figures of the last 60 minutes. */
    public List<SourceStatus> statusesForAlerts(JobTable jobs, Instant now) {
        Set<String> names = new TreeSet<>(states.keySet());
        for (String source : jobs.sources()) {
            if (jobs.count(source, JobStatus.PENDING) + jobs.count(source, JobStatus.PROCESSING) > 0) {
                names.add(source);
            }
        }
        List<SourceStatus> out = new ArrayList<>(names.size());
        for (String source : names) {
            SourceState s = states.getOrDefault(source, new SourceState(source));
            out.add(s.status(policy(source), s.policy != null, allPauseReason, new SourceState.Figures(
                    jobs.count(source, JobStatus.PENDING), jobs.count(source, JobStatus.PROCESSING), 0, 0, null, null,
                    null), now));
        }
        return out;
    }

    /** Every source with live jobs, jobs finished in the last 60 minutes, or a state, by name, with their figures. */
    public List<SourceStatus> statuses(JobTable jobs, Instant now) {
        Map<String, List<JobRow>> recent = new HashMap<>();
        for (JobRow r : jobs.finishedSince(now.minus(Duration.ofMinutes(60)))) {
            recent.computeIfAbsent(r.documentSource, k -> new ArrayList<>()).add(r);
        }
        Set<String> names = new TreeSet<>(recent.keySet());
        names.addAll(states.keySet());
        for (String source : jobs.sources()) { // as PostgreSQL lists them: live jobs, recent ones, or state
            if (jobs.count(source, JobStatus.PENDING) + jobs.count(source, JobStatus.PROCESSING) > 0) {
                names.add(source);
            }
        }
        Map<String, JobRow> lastErrors = lastErrors(jobs, now.minus(Duration.ofMinutes(60)));
        List<SourceStatus> out = new ArrayList<>(names.size());
        for (String source : names) {
            List<Duration> times = new ArrayList<>();
            long failed = 0;
            for (JobRow r : recent.getOrDefault(source, List.of())) {
                if (r.status == JobStatus.COMPLETED && r.processingStartedAt != null) {
                    times.add(Duration.between(r.processingStartedAt, r.completedAt));
                }
                failed += r.status == JobStatus.FAILED ? 1 : 0;
            }
            times.sort(null);
            SourceState s = states.getOrDefault(source, new SourceState(source));
            out.add(s.status(policy(source), s.policy != null, allPauseReason, SourceState.Figures.of(
                    jobs.count(source, JobStatus.PENDING), jobs.count(source, JobStatus.PROCESSING), times, failed,
                    lastErrors.containsKey(source) ? lastErrors.get(source).lastError : null), now));
        }
        return out;
    }

    /** By source, its PENDING (retried) or FAILED job with an error updated last since {@code since}. */
    private static Map<String, JobRow> lastErrors(JobTable jobs, Instant since) {
        Map<String, JobRow> out = new HashMap<>();
        for (JobRow r : jobs.all()) {
            if (r.lastError == null || (r.status != JobStatus.PENDING && r.status != JobStatus.FAILED)
                    || r.updatedAt.isBefore(since)) {
                continue;
            }
            out.merge(r.documentSource, r, (a, b) -> b.updatedAt.isAfter(a.updatedAt)
                    || (b.updatedAt.equals(a.updatedAt) && b.id > a.id) ? b : a);
        }
        return out;
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
        Collections.reverse(out);
        return out;
    }

    private void event(String source, SourceEvent.Type type, String actor, String message, Instant now) {
        add(new SourceState(source == null ? SourceEvent.ALL_SOURCES : source).event(type, actor, message, now));
    }

    private void add(SourceEvent e) {
        events.addLast(e);
        while (events.size() > MAX_EVENTS) {
            events.removeFirst();
        }
    }

    private SourceState state(String source) {
        return states.computeIfAbsent(source, SourceState::new);
    }
}
