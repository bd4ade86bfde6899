package dev.docket.cli.internal;

import dev.docket.queue.JobQueue;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docket sources [--json]}: every document source's backlog, policy, flow-control state and last hour. */
@Command(name = "sources", mixinStandardHelpOptions = true,
        description = {"List the document sources: PENDING and PROCESSING jobs, the fleet-wide concurrency cap, the"
                + " rate limit (and the rate in force after throttling), the circuit breaker, whether the policy is"
                + " the source's own or the default, the state (closed, open until T, half-open, paused: reason,"
                + " blocked until T: reason), completions and failures in the last 60 minutes, median and 95th"
                + " percentile extraction time in the last 60 minutes (is the registry slow?), and the last error.",
                "Change them with 'docket limit', 'docket pause' and 'docket resume'."})
final class SourcesCommand extends BaseCommand {
    @Option(names = "--json", description = "Print one JSON document instead of a table")
    boolean json;

    SourcesCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        try (Session s = session()) {
            JobQueue queue = s.queue();
            Instant now = s.store().now();
            List<SourceStatus> sources = SourceCommands.sources(queue);
            SourcePolicy defaults = queue.defaultSourcePolicy();
            if (json) {
                JsonWriter w = new JsonWriter().beginObject();
                w.field("now", now);
                w.name("defaultPolicy");
                SourceRows.json(w, defaults);
                w.name("sources").beginArray();
                for (SourceStatus st : sources) {
                    SourceRows.json(w, st);
                }
                w.endArray().endObject();
                ctx.out().println(w);
            } else {
                ctx.out().println("docket sources at " + Formats.instant(now) + " (database clock)");
                ctx.out().println("default policy: " + SourceRows.policy(defaults));
                ctx.out().println();
                SourceRows.print(ctx.out(), sources, "");
            }
        }
        return ExitCodes.OK;
    }
}
