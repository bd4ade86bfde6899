package dev.docket.cli.internal;

import dev.docket.queue.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docket cancel --job ID}. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel a PENDING job (a job already PROCESSING cannot be cancelled)."})
final class CancelCommand extends BaseCommand {
    @Option(names = "--job", paramLabel = "ID", required = true, description = "The job to cancel")
    long jobId;

    CancelCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        try (Session s = session()) {
            Job job = s.queue().cancel(jobId);
            ctx.out().println("job " + job.id() + " (" + job.documentSource() + " / " + job.documentNumber() + ") is "
                    + job.status());
        }
        return ExitCodes.OK;
    }
}
