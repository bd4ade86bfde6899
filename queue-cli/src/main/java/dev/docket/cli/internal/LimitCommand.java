package dev.docket.cli.internal;

import dev.docket.queue.JobQueue;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.internal.SourceLimits;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docket limit --source S [--concurrency N|none] [--rate N/s|N/m|N/h|none] [--burst N] [--breaker FAILURES|off]}. */
@Command(name = "limit", mixinStandardHelpOptions = true,
        description = {"Set a document source's own policy, shared by the whole fleet from the next claim on: a cap"
                + " on its jobs PROCESSING at once, a claim rate limit with a burst, and the circuit breaker's"
                + " threshold. Options not given keep their current value (the source's own policy, else the"
                + " default policy). Recorded in the source's history. Without options: print the policy in force.",
                "Example: docket limit --source registry-a --concurrency 4 --rate 20/s --burst 5 --breaker 5"})
final class LimitCommand extends BaseCommand {
    @Option(names = "--source", paramLabel = "SOURCE", required = true, description = "The document source")
    String source;

    @Option(names = "--concurrency", paramLabel = "N|none",
            description = "Most jobs of the source PROCESSING at once, fleet-wide (1-" + SourcePolicy.MAX_CONCURRENCY
                    + "), or none")
    String concurrency;

    @Option(names = "--rate", paramLabel = "N/s|N/m|N/h|none",
            description = "Most claims of the source per second, minute or hour, fleet-wide, or none")
    String rate;

    @Option(names = "--burst", paramLabel = "N",
            description = "Claims that may start at once after an idle spell (1-" + SourcePolicy.Rate.MAX_BURST
                    + "; default: the current burst, else 1). Needs a rate")
    String burst;

    @Option(names = "--breaker", paramLabel = "FAILURES|off",
            description = "Consecutive transient failures that open the source's circuit (1-"
                    + SourcePolicy.MAX_BREAKER_FAILURES + "), or off")
    String breaker;

    LimitCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        SourceOptions.required(this, source);
        boolean change = concurrency != null || rate != null || burst != null || breaker != null;
        if (change) {
            apply(null); // parse first: bad input needs no database
        }
        try (Session s = session()) {
            JobQueue queue = s.queue();
            Optional<SourcePolicy> own = SourceCommands.call(() -> queue.sourcePolicy(source));
            SourcePolicy current = own.orElseGet(queue::defaultSourcePolicy);
            String name = SourceCommands.name(source);
            if (!change) {
                ctx.out().println("source " + name + (own.isPresent() ? " has its own policy: "
                        : " follows the default policy: ") + SourceRows.policy(current));
                return ExitCodes.OK;
            }
            SourcePolicy next = apply(current);
            SourceCommands.run(() -> queue.setSourcePolicy(source, next));
            ctx.out().println("source " + name + ": " + SourceRows.policy(next));
            if (!next.equals(current)) {
                ctx.out().println("  was" + (own.isPresent() ? "" : " (default)") + ": " + SourceRows.policy(current));
            }
        }
        return ExitCodes.OK;
    }

    /** The options applied to {@code current} (null: only check them), or a usage error. */
    private SourcePolicy apply(SourcePolicy current) {
        try {
            return SourceLimits.apply(current, new SourceLimits.Input(concurrency, rate, burst, breaker), "--");
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }
}
