package dev.docket.cli.internal;

import dev.docket.queue.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docket retry (--job ID | --all-failed [--source S])}. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = {"Put a FAILED (or CANCELLED) job back to PENDING with its attempts reset, or every FAILED job"
                + " (of one source).", "Usage: retry --job ID | retry --all-failed [--source S]"})
final class RetryCommand extends BaseCommand {
    @Option(names = "--job", paramLabel = "ID", description = "The job to retry")
    Long jobId;

    @Option(names = "--all-failed", description = "Retry every FAILED job")
    boolean allFailed;

    @Option(names = "--source", paramLabel = "SOURCE", description = "With --all-failed: only jobs of this document source")
    String source;

    RetryCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        if ((jobId == null) == !allFailed) {
            throw usage("give either --job ID or --all-failed");
        }
        if (source != null && !allFailed) {
            throw usage("--source goes with --all-failed");
        }
        try (Session s = session()) {
            if (jobId != null) {
                Job job = s.queue().retry(jobId);
                ctx.out().println("job " + job.id() + " is " + job.status() + " again (attempts reset to "
                        + job.attempts() + "/" + job.maxAttempts() + ")");
            } else {
                int n = s.queue().retryAllFailed(source);
                ctx.out().println(n + " failed job(s)" + (source == null ? "" : " of source " + source)
                        + " put back to PENDING");
            }
        }
        return ExitCodes.OK;
    }
}
