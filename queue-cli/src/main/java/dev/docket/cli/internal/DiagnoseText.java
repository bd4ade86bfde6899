package dev.docket.cli.internal;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobStatus;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StaleJob;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@code docket diagnose}'s tables: the report, and one job with its history. */
final class DiagnoseText {
    private DiagnoseText() {
    }

    /** The human-readable report of {@code d}. */
    static void print(PrintStream out, Session s, DatabaseChecks.Server server, Diagnostics d,
            List<Diagnostics.WorkerStatus> shown, DiagnosticsOptions o) {
        Instant now = d.now();
        out.println("docket diagnose at " + Formats.instant(now) + " (database clock)");
        out.println();
        out.println("DATABASE");
        Table db = Table.keyValues();
        db.row("target", s.settings().target() + ", database " + server.database() + ", user " + server.user());
        db.row("reachable", "yes");
        db.row("server", "PostgreSQL " + server.version());
        db.row("round trip", Formats.millis(server.roundTripNanos()) + " (median of " + DatabaseChecks.PINGS + ")");
        db.row("schema", s.schema() + ", version " + server.schemaVersion() + " (this CLI: " + server.libraryVersion() + ")");
        db.print(out, "  ");

        out.println();
        long alive = d.workers().stream().filter(Diagnostics.WorkerStatus::alive).count();
        long dead = d.workers().stream().filter(w -> !w.alive() && w.info().state() != WorkerState.STOPPED).count();
        int hidden = d.workers().size() - shown.size();
        out.println("WORKERS (" + alive + " alive, " + dead + " dead" + (hidden == 0 ? ""
                : ", " + hidden + " stopped more than " + Formats.duration(DiagnoseCommand.STOPPED_WORKERS_SHOWN_FOR)
                + " ago not shown: --all-workers") + ")");
        if (shown.isEmpty()) {
            out.println("  none");
        } else {
            Table t = new Table("WORKER", "HOST", "PID", "STATUS", "LAST HEARTBEAT", "AGE", "ALIVE", "IN FLIGHT",
                    "COMPLETED", "FAILED", "LAST ERROR");
            for (Diagnostics.WorkerStatus w : shown) {
                WorkerInfo i = w.info();
                t.row(i.workerId(), i.host(), i.pid(), i.state(), Formats.instant(i.lastHeartbeat()),
                        Formats.duration(w.heartbeatAge()), w.alive() ? "alive" : i.state() == WorkerState.STOPPED
                                ? "stopped" : "DEAD", i.inFlight(), i.jobsCompleted(), i.jobsFailed(), DiagnoseCommand.redact(i.lastError()));
            }
            t.print(out, "  ");
            printFigures(out, shown);
        }

        out.println();
        out.println("QUEUE");
        QueueStats q = d.stats();
        Table counts = new Table("STATUS", "STATUS_ID", "LABEL", "JOBS");
        for (JobStatus st : JobStatus.values()) {
            counts.row(st.name(), st.code(), st.label(), q.count(st));
        }
        counts.print(out, "  ");
        out.println("  oldest pending job: " + (q.oldestPendingAt() == null ? "none"
                : Formats.duration(Duration.between(q.oldestPendingAt(), now)) + " old (created "
                + Formats.instant(q.oldestPendingAt()) + ")"));
        out.println("  last 5 minutes:  " + q.completedLast5m() + " completed, " + q.failedLast5m() + " failed");
        out.println("  last 60 minutes: " + q.completedLast60m() + " completed, " + q.failedLast60m() + " failed;"
                + " error rate " + Formats.percent(q.errorRateLast60m()) + " (alert above "
                + Formats.percent(o.errorRateAlert()) + ")");

        // sources (#13): backlog, policy and flow-control state per document source
        out.println();
        out.println("SOURCES (circuit open alert after " + Formats.duration(o.circuitOpenAlert())
                + "; 'docket sources' shows the same)");
        SourceRows.print(out, d.sources(), "  ");

        out.println();
        out.println("STALE JOBS (lease expired or worker stopped: the stale-job monitor or reset-stuck-jobs resets them)");
        if (d.staleJobs().isEmpty()) {
            out.println("  none");
        } else {
            Table t = new Table("ID", "SOURCE", "NUMBER", "WORKER", "IN PROCESSING", "ATTEMPTS", "REASON");
            for (StaleJob sj : d.staleJobs()) {
                Job j = sj.job();
                t.row(j.id(), j.documentSource(), j.documentNumber(), j.workerId(), inProcessing(j, now),
                        j.attempts() + "/" + j.maxAttempts(), sj.reason());
            }
            t.print(out, "  ");
        }

        out.println();
        out.println("JOBS PROCESSING LONGER THAN " + Formats.duration(o.processingAlert()));
        if (d.longRunning().isEmpty()) {
            out.println("  none");
        } else {
            Table t = new Table("ID", "SOURCE", "NUMBER", "WORKER", "IN PROCESSING", "ATTEMPTS", "LEASE EXPIRES", "PROGRESS");
            java.util.Map<Long, dev.docket.queue.JobProgress> progress = progressOf(s, d.longRunning());
            for (Job j : d.longRunning()) {
                dev.docket.queue.JobProgress p = progress.get(j.id());
                t.row(j.id(), j.documentSource(), j.documentNumber(), j.workerId(), inProcessing(j, now),
                        j.attempts() + "/" + j.maxAttempts(), Formats.instantWithAge(j.leaseExpiresAt(), now),
                        p == null || p.attempt() != j.attempts() ? "-" : p.step() + " " + Formats.percent(p.fraction()));
            }
            t.print(out, "  ");
        }

        Table.printWarnings(out, d.warnings());
        Table.printAlerts(out, d.alerts());
    }

    /** The extractor figures of each shown worker that reported some (memory, slots, defunct processes). */
    private static void printFigures(PrintStream out, List<Diagnostics.WorkerStatus> shown) {
        for (Diagnostics.WorkerStatus w : shown) {
            java.util.Map<String, Long> f = w.info().extractorFigures();
            if (f.isEmpty()) {
                continue;
            }
            StringBuilder sb = new StringBuilder();
            f.forEach((name, value) -> {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(figure(name, value));
            });
            out.println("  extractor of " + w.info().workerId() + ": " + sb);
        }
    }

    /** {@code memory.limit.bytes=123} as {@code memory.limit 117.3 MiB}; other figures as {@code name value}. */
    static String figure(String name, long value) {
        return dev.docket.queue.internal.ExtractorFigures.display(name, value);
    }

    /** The latest progress of {@code jobs}, by job id (one store call). */
    static java.util.Map<Long, dev.docket.queue.JobProgress> progressOf(Session s, List<Job> jobs) {
        java.util.Map<Long, dev.docket.queue.JobProgress> out = new java.util.HashMap<>();
        if (!jobs.isEmpty()) {
            s.admin().progress(jobs.stream().map(Job::id).toList()).forEach(p -> out.put(p.jobId(), p));
        }
        return out;
    }

    private static String inProcessing(Job j, Instant now) {
        return j.processingStartedAt() == null ? "-" : Formats.duration(Duration.between(j.processingStartedAt(), now));
    }

    /** One job's fields and its history. */
    static void printJob(PrintStream out, Job j, List<JobEvent> events, Instant now) {
        out.println("JOB " + j.id());
        Table t = Table.keyValues();
        t.row("source", j.documentSource());
        t.row("number", j.documentNumber());
        t.row("status", j.status() + " (status_id " + j.status().code() + ", " + j.status().label() + ")");
        t.row("attempts", j.attempts() + "/" + j.maxAttempts());
        t.row("priority", j.priority());
        t.row("run after", Formats.instantWithAge(j.runAfter(), now));
        t.row("worker", j.workerId());
        t.row("processing since", Formats.instantWithAge(j.processingStartedAt(), now));
        t.row("lease expires", Formats.instantWithAge(j.leaseExpiresAt(), now));
        t.row("lease token", j.leaseToken());
        t.row("resets", j.resetCount());
        t.row("last error", DiagnoseCommand.redact(j.lastError()));
        t.row("payload", j.payload());
        t.row("result", j.result());
        t.row("idempotency key", j.idempotencyKey());
        t.row("created", Formats.instantWithAge(j.createdAt(), now));
        t.row("updated", Formats.instantWithAge(j.updatedAt(), now));
        t.row("completed", Formats.instantWithAge(j.completedAt(), now));
        t.print(out, "  ");
        out.println();
        out.println("HISTORY");
        if (events.isEmpty()) {
            out.println("  no events (only exceptional events are recorded: resets, retries, failures, timeouts,"
                    + " lease losses, releases, cancellations)");
            return;
        }
        Table h = new Table("AT", "EVENT", "BY", "MESSAGE");
        for (JobEvent e : events) {
            h.row(Formats.instant(e.at()), e.type(), e.workerId(), DiagnoseCommand.redact(e.message()));
        }
        h.print(out, "  ");
    }
}
