package dev.docket.cli.internal;

import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.ResetReport;
import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import dev.docket.queue.StaleJobPolicy;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code docket reset-stuck-jobs [--older-than 5m] [--dry-run]}: what the old {@code npm run
 * reset-stuck-jobs} did, fenced: a reset clears the lease token, so the old owner, if only slow,
 * cannot complete the job afterwards.
 */
@Command(name = "reset-stuck-jobs", mixinStandardHelpOptions = true,
        description = {"Reset PROCESSING jobs whose lease expired or whose worker is dead (no heartbeat for"
                + " --dead-after), and with --older-than any job processing longer than that, back to PENDING"
                + " (or FAILED when it has used its last attempt). Each reset is fenced, logged and recorded in the"
                + " job's history."})
final class ResetStuckJobsCommand extends BaseCommand {
    @Option(names = "--older-than", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Also reset jobs processing longer than this, live worker or not (the old script's rule,"
                    + " e.g. 5m)")
    Duration olderThan;

    @Option(names = "--dead-after", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "2m",
            description = "A worker without heartbeat for this long is dead (default: ${DEFAULT-VALUE})")
    Duration deadAfter = DiagnosticsOptions.DEFAULT_HEARTBEAT_ALERT;

    @Option(names = "--dry-run", description = "List what would be reset; change nothing")
    boolean dryRun;

    @Option(names = "--keep-workers", description = "Keep the rows of dead workers whose jobs were reset (by default"
            + " they are forgotten, see forget-worker, so that diagnose stops alerting on them)")
    boolean keepWorkers;

    ResetStuckJobsCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        requirePositive("--older-than", olderThan);
        requirePositive("--dead-after", deadAfter);
        StaleCriteria criteria = new StaleCriteria(true, deadAfter, olderThan);
        StaleJobPolicy policy = new StaleJobPolicy() {
            @Override
            public StaleCriteria criteria() {
                return criteria;
            }

            @Override
            public StaleDecision decide(StaleJob stale) {
                return StaleJobPolicy.requeueUnlessExhausted(stale);
            }
        };
        List<ResetReport> reports;
        List<String> forgotten = new ArrayList<>();
        try (Session s = session()) {
            reports = s.admin().resetStuckJobs(policy, dryRun);
            if (!dryRun && !keepWorkers) {
                forgotten = forgetDeadOwners(s, reports);
            }
        }
        ctx.out().println("PROCESSING jobs whose lease expired or whose worker has had no heartbeat for "
                + Formats.duration(deadAfter)
                + (olderThan == null ? "" : ", or processing for more than " + Formats.duration(olderThan))
                + (dryRun ? " (dry run: nothing is changed)" : ""));
        if (reports.isEmpty()) {
            ctx.out().println("no stuck jobs");
            return ExitCodes.OK;
        }
        Table t = new Table("ID", "SOURCE", "NUMBER", "WORKER", "IN PROCESSING", "ATTEMPTS", "ACTION", "REASON");
        int toPending = 0;
        int toFailed = 0;
        int skipped = 0;
        for (ResetReport r : reports) {
            String target = r.decision().targetStatus().name();
            String action;
            if (dryRun) {
                action = "would reset to " + target;
            } else if (r.applied()) {
                action = "reset to " + target;
            } else {
                action = "left alone (changed meanwhile)";
            }
            if (!dryRun && !r.applied()) {
                skipped++;
            } else if (r.decision().isRequeue()) {
                toPending++;
            } else {
                toFailed++;
            }
            t.row(r.job().id(), r.job().documentSource(), r.job().documentNumber(), r.job().workerId(),
                    Formats.duration(r.timeInProcessing()), r.job().attempts() + "/" + r.job().maxAttempts(), action,
                    r.reason());
        }
        t.print(ctx.out(), "");
        if (dryRun) {
            ctx.out().println(reports.size() + " job(s) would be reset: " + toPending + " to PENDING, " + toFailed
                    + " to FAILED (attempts exhausted); nothing changed");
        } else {
            ctx.out().println((toPending + toFailed) + " job(s) reset: " + toPending + " to PENDING, " + toFailed
                    + " to FAILED (attempts exhausted)" + (skipped == 0 ? "" : ", " + skipped
                    + " left alone because their owner finished them meanwhile"));
            for (String f : forgotten) {
                ctx.out().println(f);
            }
        }
        return ExitCodes.OK;
    }

    /**
     * Forgets the dead (silent for --dead-after, or STOPPED) owners of the jobs just reset that now hold no
     * job, so that diagnose stops alerting on them; returns one line per worker forgotten.
     */
    private List<String> forgetDeadOwners(Session s, List<ResetReport> reports) {
        Set<String> owners = new LinkedHashSet<>();
        for (ResetReport r : reports) {
            if (r.applied() && r.job().workerId() != null) {
                owners.add(r.job().workerId());
            }
        }
        List<String> lines = new ArrayList<>();
        if (owners.isEmpty()) {
            return lines;
        }
        Instant now = s.store().now();
        for (WorkerInfo w : s.store().workers()) {
            boolean dead = w.state() == WorkerState.STOPPED
                    || ForgetWorkerCommand.age(w, now).compareTo(deadAfter) > 0;
            if (!dead || !owners.contains(w.workerId())) {
                continue;
            }
            try {
                if (s.admin().forgetWorker(w.workerId())) {
                    lines.add("forgot dead worker " + w.workerId() + " (" + ForgetWorkerCommand.describe(w, now)
                            + "): its jobs are reset, so diagnose no longer reports it (--keep-workers keeps it)");
                }
            } catch (IllegalStateException e) {
                lines.add("kept dead worker " + w.workerId() + ": " + e.getMessage());
            }
        }
        return lines;
    }
}
