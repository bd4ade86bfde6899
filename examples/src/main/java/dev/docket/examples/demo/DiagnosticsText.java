package dev.docket.examples.demo;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.JobStatus;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StaleJob;
import java.time.Duration;
import java.util.Locale;

/** A diagnostics snapshot as text, in the form of {@code docket diagnose}. */
final class DiagnosticsText {
    private DiagnosticsText() {
    }

    static String render(Diagnostics d) {
        StringBuilder b = new StringBuilder();
        b.append("== diagnose (").append(d.now()).append(")\n");
        b.append("workers:\n");
        for (Diagnostics.WorkerStatus w : d.workers()) {
            b.append(String.format(Locale.ROOT, "  %-16s %-9s heartbeat %6s ago  %-5s in flight %d  completed %d  failed %d%n",
                    w.info().workerId(), w.info().state(), age(w.heartbeatAge()), w.alive() ? "alive" : w.info().state() == dev.docket.queue.WorkerState.STOPPED ? "-" : "DEAD",
                    w.info().inFlight(), w.info().jobsCompleted(), w.info().jobsFailed()));
        }
        QueueStats s = d.stats();
        b.append("queue:\n");
        for (JobStatus st : JobStatus.values()) {
            b.append(String.format(Locale.ROOT, "  %d %-10s %-14s %d%n", st.code(), st, "(" + st.label() + ")", s.count(st)));
        }
        b.append(String.format(Locale.ROOT, "  last 60 min: %d completed, %d failed, error rate %.1f%%%n",
                s.completedLast60m(), s.failedLast60m(), s.errorRateLast60m() * 100));
        b.append("stale jobs: ").append(d.staleJobs().size()).append('\n');
        for (StaleJob j : d.staleJobs()) {
            b.append("  job ").append(j.job().id()).append(": ").append(j.reason()).append('\n');
        }
        b.append("alerts: ").append(d.alerts().isEmpty() ? "none" : "").append('\n');
        d.alerts().forEach(a -> b.append("  ! ").append(a).append('\n'));
        return b.toString();
    }

    private static String age(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + "ms" : d.toSeconds() + "s";
    }
}
