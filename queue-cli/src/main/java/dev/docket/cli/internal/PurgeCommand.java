package dev.docket.cli.internal;

import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docket purge --older-than 30d}. */
@Command(name = "purge", mixinStandardHelpOptions = true,
        description = {"Delete COMPLETED, FAILED and CANCELLED jobs (and their history) that finished longer ago than"
                + " --older-than. PENDING and PROCESSING jobs are never deleted.",
                "Their failure snapshots go with them: files (file:) and rows of the PostgreSQL sink (docket-pg:) are"
                        + " removed; others (s3://) are listed to remove with the store's own tools."})
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
            JobEvidence.Removed snapshots = JobEvidence.removeSnapshots(s, olderThan);
            int n = s.queue().purge(olderThan);
            ctx.out().println("purged " + n + " finished job(s) older than " + Formats.duration(olderThan));
            if (snapshots.files() + snapshots.gone() + snapshots.left().size() > 0) {
                ctx.out().println("removed " + snapshots.files() + " failure snapshot file(s) of those jobs"
                        + (snapshots.gone() > 0 ? " (" + snapshots.gone() + " already gone)" : ""));
            }
            for (String uri : snapshots.left()) {
                ctx.err().println("left in place (remove it with the store's own tools): " + uri);
            }
        }
        return ExitCodes.OK;
    }
}
