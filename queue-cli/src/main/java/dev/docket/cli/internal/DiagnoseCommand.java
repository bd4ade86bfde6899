package dev.docket.cli.internal;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobStatus;
import dev.docket.queue.JobQueue;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StaleJob;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import dev.docket.queue.internal.Redaction;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code docket diagnose [--job ID] [--json]}: what the old {@code npm run diagnose} showed, plus
 * alerts. Exit 1 when there is an alert.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Show the database, the workers (alive or dead), the queue (counts by status with the old"
                + " labels, oldest pending job, recent completions and failures, error rate), stale and long-running"
                + " jobs, warnings and alerts. Exit status 1 when there is an alert (warnings do not change it).",
                "A dead worker is an alert while it holds PROCESSING jobs; once they are reset it is a warning, or,"
                        + " when its last heartbeat reported no job, an alert for an hour unless forgotten:"
                        + " 'docket forget-worker ID' removes it.",
                "With --job ID: that job's fields, its event history, its latest progress and its failure snapshots"
                        + " (with the paths or URIs of their files).",
                "Sources (as 'docket sources' lists them): an alert for a circuit open or half-open for longer than"
                        + " --circuit-open-alert, and for a paused source with jobs pending."})
final class DiagnoseCommand extends BaseCommand {
    /** STOPPED workers silent for longer than this are hidden unless --all-workers. */
    static final Duration STOPPED_WORKERS_SHOWN_FOR = Duration.ofHours(1);

    @Option(names = "--job", paramLabel = "ID", description = "Show one job and its history")
    Long jobId;

    @Option(names = "--json", description = "Print one JSON document instead of tables")
    boolean json;

    @Option(names = "--processing-alert", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "5m", description = "Alert on jobs processing longer than this (default: ${DEFAULT-VALUE})")
    Duration processingAlert = DiagnosticsOptions.DEFAULT_PROCESSING_ALERT;

    @Option(names = "--heartbeat-alert", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "2m", description = "Alert on workers without heartbeat for this long (default: ${DEFAULT-VALUE})")
    Duration heartbeatAlert = DiagnosticsOptions.DEFAULT_HEARTBEAT_ALERT;

    @Option(names = "--error-rate-alert", paramLabel = "RATIO", defaultValue = "0.5",
            description = "Alert when failed/(completed+failed) over the last 60 minutes exceeds this, 0-1"
                    + " (default: ${DEFAULT-VALUE})")
    double errorRateAlert = DiagnosticsOptions.DEFAULT_ERROR_RATE_ALERT;

    @Option(names = "--circuit-open-alert", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10m", description = "Alert on a source whose circuit has been open (or half-open) without"
                    + " closing for longer than this (default: ${DEFAULT-VALUE})")
    Duration circuitOpenAlert = DiagnosticsOptions.DEFAULT_CIRCUIT_OPEN_ALERT;
    @Option(names = "--defunct-alert", paramLabel = "N", defaultValue = "10",
            description = "Alert when a live worker reports more defunct (zombie) child processes than this; fewer"
                    + " but some are a warning (default: ${DEFAULT-VALUE})")
    int defunctAlert = DiagnosticsOptions.DEFAULT_DEFUNCT_PROCESSES_ALERT;

    @Option(names = "--all-workers", description = "Also list workers that stopped more than an hour ago")
    boolean allWorkers;

    DiagnoseCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        requirePositive("--processing-alert", processingAlert);
        requirePositive("--heartbeat-alert", heartbeatAlert);
        requirePositive("--circuit-open-alert", circuitOpenAlert);
        if (!(errorRateAlert >= 0.0 && errorRateAlert <= 1.0)) {
            throw usage("--error-rate-alert must be between 0 and 1 (0.5 = 50%) but was " + errorRateAlert);
        }
        if (defunctAlert < 0) {
            throw usage("--defunct-alert must be >= 0 but was " + defunctAlert);
        }
        try (Session s = session()) {
            if (jobId != null) {
                JobQueue queue = s.queue();
                Job job = queue.find(jobId).orElseThrow(() -> CliException.error("job " + jobId + " does not exist"));
                List<JobEvent> events = queue.history(jobId);
                Instant now = s.store().now();
                java.util.Optional<dev.docket.queue.JobProgress> progress = s.admin().progress(jobId);
                if (json) {
                    JsonWriter w = new JsonWriter().beginObject();
                    w.field("now", now);
                    w.name("job");
                    job(w, job, now);
                    w.name("events").beginArray();
                    for (JobEvent e : events) {
                        w.beginObject().field("type", e.type().name()).field("at", e.at()).field("workerId", e.workerId())
                                .field("message", redact(e.message())).endObject();
                    }
                    w.endArray();
                    JobEvidence.json(w, progress, events);
                    w.endObject();
                    ctx.out().println(w);
                } else {
                    printJob(ctx.out(), job, events, now);
                    JobEvidence.print(ctx.out(), progress, events, now);
                }
                return ExitCodes.OK;
            }
            DatabaseChecks.Server server;
            try {
                server = DatabaseChecks.server(s.dataSource(), s.schema());
            } catch (SQLException e) {
                throw CliException.error(s.cannotConnect(e), e);
            }
            Diagnostics d = s.queue().diagnose(new DiagnosticsOptions(processingAlert, heartbeatAlert, errorRateAlert,
                    circuitOpenAlert, defunctAlert));
            List<Diagnostics.WorkerStatus> shown = new ArrayList<>();
            for (Diagnostics.WorkerStatus w : d.workers()) {
                if (allWorkers || w.info().state() != WorkerState.STOPPED
                        || w.heartbeatAge().compareTo(STOPPED_WORKERS_SHOWN_FOR) <= 0) {
                    shown.add(w);
                }
            }
            if (json) {
                ctx.out().println(json(s, server, d, shown));
            } else {
                print(ctx.out(), s, server, d, shown);
            }
            return d.alerts().isEmpty() ? ExitCodes.OK : ExitCodes.ALERT;
        }
    }

    // ------------------------------------------------------------------ human output

    private void print(PrintStream out, Session s, DatabaseChecks.Server server, Diagnostics d,
            List<Diagnostics.WorkerStatus> shown) {
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
                : ", " + hidden + " stopped more than " + Formats.duration(STOPPED_WORKERS_SHOWN_FOR)
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
                                ? "stopped" : "DEAD", i.inFlight(), i.jobsCompleted(), i.jobsFailed(), redact(i.lastError()));
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
                + Formats.percent(errorRateAlert) + ")");

        // sources (#13): backlog, policy and flow-control state per document source
        out.println();
        out.println("SOURCES (circuit open alert after " + Formats.duration(circuitOpenAlert)
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
        out.println("JOBS PROCESSING LONGER THAN " + Formats.duration(processingAlert));
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
        return name.endsWith(".bytes") ? name.substring(0, name.length() - ".bytes".length()) + " " + Formats.bytes(value)
                : name + " " + value;
    }

    /** The latest progress of {@code jobs}, by job id (one store call). */
    private static java.util.Map<Long, dev.docket.queue.JobProgress> progressOf(Session s, List<Job> jobs) {
        java.util.Map<Long, dev.docket.queue.JobProgress> out = new java.util.HashMap<>();
        if (!jobs.isEmpty()) {
            s.admin().progress(jobs.stream().map(Job::id).toList()).forEach(p -> out.put(p.jobId(), p));
        }
        return out;
    }

    /**
     * Recorded errors and event messages as shown: URL query strings, fragments and user info redacted
     * (rows written before Docket redacted them, or by other writers, may still hold registry tokens).
     */
    static String redact(String recorded) {
        return Redaction.redactUrls(recorded);
    }

    private static String inProcessing(Job j, Instant now) {
        return j.processingStartedAt() == null ? "-" : Formats.duration(Duration.between(j.processingStartedAt(), now));
    }

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
        t.row("last error", redact(j.lastError()));
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
            h.row(Formats.instant(e.at()), e.type(), e.workerId(), redact(e.message()));
        }
        h.print(out, "  ");
    }

    // ------------------------------------------------------------------ JSON

    private String json(Session s, DatabaseChecks.Server server, Diagnostics d, List<Diagnostics.WorkerStatus> shown) {
        Instant now = d.now();
        JsonWriter w = new JsonWriter().beginObject();
        w.field("now", now);
        w.field("status", d.alerts().isEmpty() ? "OK" : "ALERT");
        server.writeJson(w, s, false);
        w.name("thresholds").beginObject()
                .name("processingAlertSeconds").seconds(processingAlert)
                .name("heartbeatAlertSeconds").seconds(heartbeatAlert)
                .field("errorRateAlert", errorRateAlert)
                .name("circuitOpenAlertSeconds").seconds(circuitOpenAlert)
                .field("defunctProcessesAlert", defunctAlert)
                .endObject();
        w.name("workers").beginArray();
        for (Diagnostics.WorkerStatus ws : shown) {
            WorkerInfo i = ws.info();
            w.beginObject().field("workerId", i.workerId()).field("host", i.host()).field("pid", i.pid())
                    .field("status", i.state().name()).field("startedAt", i.startedAt())
                    .field("lastHeartbeat", i.lastHeartbeat()).name("heartbeatAgeSeconds").seconds(ws.heartbeatAge())
                    .field("alive", ws.alive()).field("concurrency", i.concurrency()).field("inFlight", i.inFlight())
                    .field("jobsCompleted", i.jobsCompleted()).field("jobsFailed", i.jobsFailed())
                    .field("lastError", redact(i.lastError()));
            w.name("extractorFigures").beginObject();
            i.extractorFigures().forEach(w::field);
            w.endObject().endObject();
        }
        w.endArray();
        QueueStats q = d.stats();
        w.name("queue").beginObject();
        w.name("counts").beginArray();
        for (JobStatus st : JobStatus.values()) {
            w.beginObject().field("status", st.name()).field("statusId", st.code()).field("label", st.label())
                    .field("count", q.count(st)).endObject();
        }
        w.endArray();
        w.field("oldestPendingAt", q.oldestPendingAt());
        w.name("oldestPendingAgeSeconds").seconds(q.oldestPendingAt() == null ? null
                : Duration.between(q.oldestPendingAt(), now));
        w.field("completedLast5m", q.completedLast5m()).field("failedLast5m", q.failedLast5m())
                .field("completedLast60m", q.completedLast60m()).field("failedLast60m", q.failedLast60m())
                .field("errorRateLast60m", q.errorRateLast60m());
        w.endObject();
        w.name("sources").beginArray();
        for (dev.docket.queue.SourceStatus st : d.sources()) {
            SourceRows.json(w, st);
        }
        w.endArray();
        w.name("staleJobs").beginArray();
        for (StaleJob sj : d.staleJobs()) {
            job(w, sj.job(), now, sj.reason());
        }
        w.endArray();
        w.name("longRunning").beginArray();
        for (Job j : d.longRunning()) {
            job(w, j, now);
        }
        w.endArray();
        w.name("progress").beginArray();
        for (dev.docket.queue.JobProgress p : progressOf(s, d.longRunning()).values()) {
            w.beginObject().field("jobId", p.jobId()).field("step", p.step()).field("fraction", p.fraction())
                    .field("attempt", p.attempt()).field("updatedAt", p.updatedAt()).endObject();
        }
        w.endArray();
        w.name("alerts").beginArray();
        for (String a : d.alerts()) {
            w.value(a);
        }
        w.endArray();
        w.name("warnings").beginArray();
        for (String warning : d.warnings()) {
            w.value(warning);
        }
        w.endArray();
        return w.endObject().toString();
    }

    static void job(JsonWriter w, Job j, Instant now) {
        job(w, j, now, null);
    }

    private static void job(JsonWriter w, Job j, Instant now, String staleReason) {
        w.beginObject().field("id", j.id()).field("documentSource", j.documentSource())
                .field("documentNumber", j.documentNumber()).field("status", j.status().name())
                .field("statusId", j.status().code()).field("label", j.status().label()).field("priority", j.priority())
                .field("attempts", j.attempts()).field("maxAttempts", j.maxAttempts()).field("runAfter", j.runAfter())
                .field("workerId", j.workerId()).field("leaseToken", j.leaseToken() == null ? null : j.leaseToken().toString())
                .field("leaseExpiresAt", j.leaseExpiresAt()).field("processingStartedAt", j.processingStartedAt())
                .name("processingSeconds").seconds(j.status() == JobStatus.PROCESSING && j.processingStartedAt() != null
                        ? Duration.between(j.processingStartedAt(), now) : null)
                .field("resetCount", j.resetCount()).field("lastError", redact(j.lastError()));
        w.name("payload").json(j.payload());
        w.name("result").json(j.result());
        w.field("idempotencyKey", j.idempotencyKey()).field("createdAt", j.createdAt()).field("updatedAt", j.updatedAt())
                .field("completedAt", j.completedAt());
        if (staleReason != null) {
            w.field("staleReason", staleReason);
        }
        w.endObject();
    }
}
