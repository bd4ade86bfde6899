package dev.docket.cli.internal;

import dev.docket.queue.JobQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docket pause (--source S | --all) [--reason TEXT]}. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = {"Pause a document source, or every source (including sources that appear later): nothing of"
                + " it is claimed until 'docket resume'; jobs already PROCESSING finish. Fleet-wide, from the next"
                + " claim on; recorded in the source's history.",
                "Usage: pause --source S [--reason TEXT] | pause --all [--reason TEXT]"})
final class PauseCommand extends BaseCommand {
    /** The reason recorded when none is given. */
    static final String DEFAULT_REASON = "paused with docket pause";

    @Option(names = "--source", paramLabel = "SOURCE", description = "The document source to pause")
    String source;

    @Option(names = "--all", description = "Pause every source")
    boolean all;

    @Option(names = "--reason", paramLabel = "TEXT",
            description = "Why, shown by 'docket sources' and diagnose (default: \"" + DEFAULT_REASON + "\")")
    String reason;

    PauseCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        SourceOptions.oneOf(this, source, all);
        if (reason != null && reason.isBlank()) {
            throw usage("--reason must not be blank but was '" + reason + "'");
        }
        String why = reason == null ? DEFAULT_REASON : reason.strip();
        try (Session s = session()) {
            JobQueue queue = s.queue();
            if (all) {
                SourceCommands.run(() -> queue.pauseAllSources(why));
                ctx.out().println("all sources paused: " + Table.sanitize(why));
            } else {
                SourceCommands.run(() -> queue.pauseSource(source, why));
                ctx.out().println("source " + SourceCommands.name(source) + " paused: " + Table.sanitize(why));
            }
        }
        return ExitCodes.OK;
    }
}
