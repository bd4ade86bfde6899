package dev.docket.cli.internal;

import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.QueueAdmin;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code docket forget-worker ID... | --all-dead}: deletes the rows of dead or stopped workers that
 * hold no job, so that {@code diagnose} stops reporting them.
 */
@Command(name = "forget-worker", mixinStandardHelpOptions = true,
        description = {"Remove dead or stopped workers from worker_status, so that diagnose no longer reports them:"
                + " how an operator acknowledges a crashed worker once its jobs are handled. Refused for a worker"
                + " that still holds PROCESSING jobs (run reset-stuck-jobs first) and for a live one (a worker that"
                + " is in fact alive reappears at its next heartbeat). Jobs and their history are not touched.",
                "Stops at the first worker it cannot forget (exit status 2)."})
final class ForgetWorkerCommand extends BaseCommand {
    @Parameters(paramLabel = "ID", arity = "0..*", description = "Worker ids, as diagnose lists them")
    List<String> workerIds = List.of();

    @Option(names = "--all-dead", description = "Forget every dead or stopped worker that holds no job"
            + " (workers holding jobs are listed and kept)")
    boolean allDead;

    @Option(names = "--dead-after", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "2m",
            description = "A worker without heartbeat for this long is dead (default: ${DEFAULT-VALUE})")
    Duration deadAfter = DiagnosticsOptions.DEFAULT_HEARTBEAT_ALERT;

    ForgetWorkerCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        requirePositive("--dead-after", deadAfter);
        if (allDead == !workerIds.isEmpty()) {
            throw usage("give worker ids or --all-dead (one of them)");
        }
        try (Session s = session()) {
            QueueAdmin admin = s.admin();
            Instant now = s.store().now();
            List<WorkerInfo> workers = s.store().workers();
            if (allDead) {
                int forgotten = 0;
                for (WorkerInfo w : workers) {
                    if (alive(w, now)) {
                        continue;
                    }
                    try {
                        if (admin.forgetWorker(w.workerId())) {
                            forgotten++;
                            ctx.out().println("forgot worker " + w.workerId() + " (" + describe(w, now) + ")");
                        }
                    } catch (IllegalStateException e) {
                        ctx.out().println("kept worker " + w.workerId() + ": " + held(e));
                    }
                }
                ctx.out().println(forgotten + " worker(s) forgotten");
                return ExitCodes.OK;
            }
            for (String id : workerIds) {
                Optional<WorkerInfo> found = workers.stream().filter(w -> w.workerId().equals(id)).findFirst();
                if (found.isEmpty()) {
                    throw CliException.error("worker " + id + " does not exist (diagnose --all-workers lists them)");
                }
                WorkerInfo w = found.get();
                if (alive(w, now)) {
                    throw CliException.error("worker " + id + " is alive (" + describe(w, now) + "): only a worker"
                            + " without heartbeat for " + Formats.duration(deadAfter) + " (--dead-after) or a STOPPED"
                            + " one can be forgotten");
                }
                // a worker refused for holding jobs: IllegalStateException, one line, exit 2
                if (admin.forgetWorker(id)) {
                    ctx.out().println("forgot worker " + id + " (" + describe(w, now) + ")");
                } else {
                    ctx.out().println("worker " + id + " was already gone");
                }
            }
        }
        return ExitCodes.OK;
    }

    private boolean alive(WorkerInfo w, Instant now) {
        return w.state() != WorkerState.STOPPED && age(w, now).compareTo(deadAfter) <= 0;
    }

    static Duration age(WorkerInfo w, Instant now) {
        return w.lastHeartbeat() == null ? Duration.ZERO : Duration.between(w.lastHeartbeat(), now);
    }

    /** "status RUNNING, last heartbeat 10m ago". */
    static String describe(WorkerInfo w, Instant now) {
        return "status " + w.state() + ", last heartbeat " + Formats.duration(age(w, now)) + " ago";
    }

    /** "holds 2 PROCESSING job(s)..." from the store's refusal. */
    private static String held(IllegalStateException e) {
        String m = String.valueOf(e.getMessage());
        int i = m.indexOf("holds ");
        return i < 0 ? m : m.substring(i);
    }
}
