package dev.docket.cli.internal;

import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docket purge --older-than 30d}. */
@Command(name = "purge", mixinStandardHelpOptions = true,
        description = {"Delete COMPLETED, FAILED and CANCELLED jobs (and their history) that finished longer ago than"
                + " --older-than. PENDING and PROCESSING jobs are never deleted."})
final class PurgeCommand extends BaseCommand {
    @Option(names = "--older-than", paramLabel = "DURATION", required = true, converter = DurationConverter.class,
            description = "Age of the finished jobs to delete, e.g. 30d")
    Duration olderThan;

    PurgeCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        try (Session s = session()) {
            int n = s.queue().purge(olderThan);
            ctx.out().println("purged " + n + " finished job(s) older than " + Formats.duration(olderThan));
        }
        return ExitCodes.OK;
    }
}
