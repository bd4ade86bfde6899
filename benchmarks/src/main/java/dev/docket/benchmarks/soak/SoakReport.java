package dev.docket.benchmarks.soak;

import dev.docket.benchmarks.Percentiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The outcome of one soak run: figures, and the invariant failures (none when it passed). */
public final class SoakReport {
    /** At most this many failure lines are printed (all are counted). */
    static final int MAX_PRINTED_FAILURES = 40;

    SoakConfig cfg;
    SoakChecks.Faults faults;
    HostileInputs.Result hostile;
    java.util.List<HostileCsv.Outcome> hostileCsv = java.util.List.of();
    String machine;
    String loadBefore;
    String loadAfter;
    double wallSeconds;
    Path log;
    long lockWaits;

    long jobs;
    long completed;
    long failed;
    long cancelled;
    long lost;
    long stuck;
    long unfinished;
    long doubleCompletions;
    long violations;
    long completionsWithoutClaimDocument;
    long resultMismatches;
    long duplicateClaimExtractions;
    long reExecutedJobs;
    long documentsProduced;
    long claims;
    long orphans;
    long orphansFinishedByLastWrite;
    long terminalJobs;
    double spanSeconds;
    final Map<String, Long> failedByReason = new TreeMap<>();
    final Map<String, Long> events = new TreeMap<>();
    Map<Behaviour, Long> behaviours = new EnumMap<>(Behaviour.class);
    final List<Double> orphanResetSeconds = new ArrayList<>();
    final List<Double> orphanReclaimSeconds = new ArrayList<>();
    final List<Double> orphanExposedSeconds = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    private final Set<String> failedOnce = new LinkedHashSet<>();

    void fail(String s) {
        failures.add(s);
    }

    /** Records the first failure of a kind in full, counts the rest. */
    void failOnce(String kind, String s) {
        if (failedOnce.add(kind)) {
            failures.add(s + " (and maybe more of this kind: see the counts)");
        }
    }

    /** True when every invariant held. */
    public boolean passed() {
        return failures.isEmpty();
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    public long lost() {
        return lost;
    }

    public long stuck() {
        return stuck;
    }

    public long doubleCompletions() {
        return doubleCompletions;
    }

    /** The one summary, printable as Markdown. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append("## Soak summary: ").append(passed() ? "PASSED" : "FAILED (" + failures.size() + " invariant failures)")
                .append("\n\n");
        b.append("Machine: ").append(machine).append("  \n");
        b.append(String.format(Locale.ROOT, "Run: K=%d workers x %d slots, M=%d jobs, planned %d s, lease %d ms,"
                + " heartbeat %d ms, stale check %d ms, job timeout %d ms, seed %d; load %s -> %s  %n", cfg.workers(),
                cfg.concurrency(), cfg.jobs(), cfg.duration().toSeconds(), cfg.lease().toMillis(),
                cfg.heartbeat().toMillis(), cfg.staleCheck().toMillis(), cfg.jobTimeout().toMillis(), cfg.seed(),
                loadBefore, loadAfter));
        b.append("Worker output: ").append(log).append("\n\n");
        b.append("| figure | value |\n|---|---|\n");
        row(b, "jobs enqueued (incl. the hostile batch's valid records)", jobs);
        row(b, "terminal: COMPLETED / FAILED / CANCELLED", completed + " / " + failed + " / " + cancelled);
        row(b, "FAILED by reason", failedByReason.isEmpty() ? "-" : failedByReason.toString());
        row(b, "**jobs lost** (enqueued, gone)", lost);
        row(b, "**jobs stuck** (PROCESSING at the end)", stuck);
        row(b, "**jobs unfinished** (PENDING at the end)", unfinished);
        row(b, "**double completions** (more than one finishing write into COMPLETED)", doubleCompletions);
        row(b, "changes to COMPLETED rows", violations);
        row(b, "completions not fenced by the producing claim / result mismatches",
                completionsWithoutClaimDocument + " / " + resultMismatches);
        row(b, "claims that extracted twice", duplicateClaimExtractions);
        row(b, "claims / documents produced / jobs whose document was produced more than once (at-least-once re-runs)",
                claims + " / " + documentsProduced + " / " + reExecutedJobs);
        row(b, "retries scheduled (RETRY_SCHEDULED events)", events.getOrDefault("RETRY_SCHEDULED", 0L));
        row(b, "timeouts / stale resets / leases lost / releases", events.getOrDefault("TIMED_OUT", 0L) + " / "
                + events.getOrDefault("RESET", 0L) + " / " + events.getOrDefault("LEASE_LOST", 0L) + " / "
                + events.getOrDefault("RELEASED", 0L));
        row(b, "faults: SIGKILL / SIGTERM restarts / JVM halts / unexpected deaths", faults.sigkills + " / "
                + faults.sigterms + " / " + faults.halts + " / " + faults.unexpectedExits);
        row(b, "faults: database cuts (total)", String.format(Locale.ROOT, "%d (%.0f s)", faults.cuts, faults.cutSeconds));
        row(b, "faults: extractor behaviours per claim", behaviours.toString());
        row(b, "bad input: records / rejected by NewJob / stored verbatim", hostile == null ? "not run"
                : hostile.outcomes().size() + " / " + hostile.rejected() + " / " + hostile.stored());
        row(b, "orphaned jobs (held by a SIGKILLed or halted worker) / finished by its last in-flight write",
                orphans + " / " + orphansFinishedByLastWrite);
        Percentiles reset = new Percentiles(orphanResetSeconds);
        Percentiles reclaim = new Percentiles(orphanReclaimSeconds);
        row(b, "orphan: death -> reset (left PROCESSING), s", String.format(Locale.ROOT, "p50 %s, p99 %s, max %s (n=%d)",
                f(reset.p(50)), f(reset.p(99)), f(reset.max()), reset.count()));
        Percentiles exposed = new Percentiles(orphanExposedSeconds);
        row(b, "orphan: of that, time with another runtime up and the database reachable, s (invariant 1)",
                String.format(Locale.ROOT, "p50 %s, p99 %s, max %s (bound: lease + stale check + %d s = %.1f s)",
                        f(exposed.p(50)), f(exposed.p(99)), f(exposed.max()), SoakChecks.RECOVERY_SLACK.toSeconds(),
                        cfg.lease().plus(cfg.staleCheck()).plus(SoakChecks.RECOVERY_SLACK).toMillis() / 1000.0));
        row(b, "orphan: death -> next claim (recovery), s", String.format(Locale.ROOT, "p50 %s, p99 %s, max %s (n=%d)",
                f(reclaim.p(50)), f(reclaim.p(99)), f(reclaim.max()), reclaim.count()));
        row(b, "statements seen waiting > 1 s for a row lock (lock watchdog)", lockWaits);
        row(b, "throughput (terminal jobs / first enqueue to last finish)", String.format(Locale.ROOT,
                "%.0f jobs/s (%d jobs in %.1f s; run %.1f s)", spanSeconds > 0 ? terminalJobs / spanSeconds : 0.0,
                terminalJobs, spanSeconds, wallSeconds));
        if (!failures.isEmpty()) {
            b.append("\nInvariant failures:\n");
            for (int i = 0; i < Math.min(MAX_PRINTED_FAILURES, failures.size()); i++) {
                b.append("- ").append(failures.get(i)).append('\n');
            }
            if (failures.size() > MAX_PRINTED_FAILURES) {
                b.append("- ... ").append(failures.size() - MAX_PRINTED_FAILURES).append(" more\n");
            }
        }
        if (hostile != null) {
            b.append("\nBad input (NewJob → IllegalArgumentException, or stored verbatim):\n");
            for (HostileInputs.Outcome o : hostile.outcomes()) {
                b.append("- ").append(o.name()).append(": ")
                        .append(o.rejected() ? "rejected: " + o.message() : o.jobId() != null ? "stored as job "
                                + o.jobId() : "accepted by NewJob")
                        .append(o.problem() == null ? "" : "  **PROBLEM: " + o.problem() + "**").append('\n');
            }
        }
        if (!hostileCsv.isEmpty()) {
            b.append("\nBad input through the CLI (docket enqueue --csv: refused whole naming the line, or stored verbatim):\n");
            for (HostileCsv.Outcome o : hostileCsv) {
                b.append("- ").append(o.name()).append(": exit ").append(o.exit())
                        .append(o.exit() == 0 ? ", stored as jobs " + o.ids() : ": " + o.message())
                        .append(o.problem() == null ? "" : "  **PROBLEM: " + o.problem() + "**").append('\n');
            }
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String k, Object v) {
        b.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
