package dev.docket.cli.internal;

import dev.docket.queue.JobQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docket resume (--source S | --all)}. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Resume a paused document source, or lift the pause of all sources together with every single"
                + " source's pause. Resuming one source while all sources are paused lifts only its own pause."
                + " Recorded in the source's history.",
                "Usage: resume --source S | resume --all"})
final class ResumeCommand extends BaseCommand {
    @Option(names = "--source", paramLabel = "SOURCE", description = "The document source to resume")
    String source;

    @Option(names = "--all", description = "Resume every source")
    boolean all;

    ResumeCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        SourceOptions.oneOf(this, source, all);
        try (Session s = session()) {
            JobQueue queue = s.queue();
            if (all) {
                boolean was = SourceCommands.call(queue::resumeAllSources);
                ctx.out().println(was ? "all sources resumed" : "no source was paused");
            } else {
                boolean was = SourceCommands.call(() -> queue.resumeSource(source));
                String name = SourceCommands.name(source);
                ctx.out().println(was ? "source " + name + " resumed" : "source " + name + " was not paused");
                boolean allPaused = SourceCommands.sources(queue).stream()
                        .anyMatch(st -> st.source().equals(source) && st.state()
                                == dev.docket.queue.SourceStatus.State.PAUSED);
                if (allPaused) {
                    ctx.out().println("source " + name + " stays paused: all sources are paused ('docket resume"
                            + " --all' lifts that)");
                }
            }
        }
        return ExitCodes.OK;
    }
}
