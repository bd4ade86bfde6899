package dev.docket.cli.internal;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobQueue;
import dev.docket.queue.WorkerState;
import dev.docket.queue.internal.Redaction;
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
                    DiagnoseJson.job(w, job, now);
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
                    DiagnoseText.printJob(ctx.out(), job, events, now);
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
            DiagnosticsOptions o = new DiagnosticsOptions(processingAlert, heartbeatAlert, errorRateAlert,
                    circuitOpenAlert, defunctAlert);
            Diagnostics d = s.queue().diagnose(o);
            List<Diagnostics.WorkerStatus> shown = new ArrayList<>();
            for (Diagnostics.WorkerStatus w : d.workers()) {
                if (allWorkers || w.info().state() != WorkerState.STOPPED
                        || w.heartbeatAge().compareTo(STOPPED_WORKERS_SHOWN_FOR) <= 0) {
                    shown.add(w);
                }
            }
            if (json) {
                ctx.out().println(DiagnoseJson.json(s, server, d, shown, o));
            } else {
                DiagnoseText.print(ctx.out(), s, server, d, shown, o);
            }
            return d.alerts().isEmpty() ? ExitCodes.OK : ExitCodes.ALERT;
        }
    }

    /**
     * Recorded errors and event messages as shown: URL query strings, fragments and user info redacted
     * (rows written before Docket redacted them, or by other writers, may still hold registry tokens).
     */
    static String redact(String recorded) {
        return Redaction.redactUrls(recorded);
    }
}
