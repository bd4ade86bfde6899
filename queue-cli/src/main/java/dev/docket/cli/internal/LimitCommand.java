package dev.docket.cli.internal;

import dev.docket.queue.JobQueue;
import dev.docket.queue.SourcePolicy;
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
        SourcePolicy.Builder b = null;
        if (change) {
            b = SourcePolicy.builder(); // replaced by the current policy below; parse first: bad input needs no database
            apply(b, null);
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
            b = current.toBuilder();
            SourcePolicy next = apply(b, current);
            SourceCommands.run(() -> queue.setSourcePolicy(source, next));
            ctx.out().println("source " + name + ": " + SourceRows.policy(next));
            if (!next.equals(current)) {
                ctx.out().println("  was" + (own.isPresent() ? "" : " (default)") + ": " + SourceRows.policy(current));
            }
        }
        return ExitCodes.OK;
    }

    /** Applies the options to {@code b} (the current policy's builder; current null: only check the options). */
    private SourcePolicy apply(SourcePolicy.Builder b, SourcePolicy current) {
        if (concurrency != null) {
            if (isWord(concurrency, "none")) {
                b.noConcurrencyLimit();
            } else {
                b.concurrency(number("--concurrency", concurrency, SourcePolicy.MAX_CONCURRENCY, "or none"));
            }
        }
        SourcePolicy.Rate base = current == null ? null : current.rate().orElse(null);
        SourcePolicy.Rate next = base;
        if (rate != null) {
            if (isWord(rate, "none")) {
                next = null;
            } else {
                try {
                    next = SourcePolicy.Rate.parse(rate);
                } catch (IllegalArgumentException e) {
                    throw usage("--rate must be N/s, N/m or N/h (N 1-" + SourcePolicy.Rate.MAX_PERMITS
                            + ") or none but was '" + Table.sanitize(rate) + "'");
                }
                if (base != null) {
                    next = next.withBurst(base.burst());
                }
            }
        }
        if (burst != null) {
            int n = number("--burst", burst, SourcePolicy.Rate.MAX_BURST, "");
            if (rate != null && isWord(rate, "none")) {
                throw usage("--burst needs a rate, but --rate is none");
            }
            if (current != null && next == null) {
                throw usage("--burst needs a rate: source " + SourceCommands.name(source) + " has no rate limit;"
                        + " give --rate too");
            }
            next = next == null ? null : next.withBurst(n);
        }
        b.rate(next);
        if (breaker != null) {
            if (isWord(breaker, "off")) {
                b.breakerOff();
            } else {
                b.breaker(number("--breaker", breaker, SourcePolicy.MAX_BREAKER_FAILURES, "or off"));
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw usage("the policy is not valid: " + e.getMessage());
        }
    }

    private static boolean isWord(String value, String word) {
        return value.strip().equalsIgnoreCase(word);
    }

    /** A whole number 1-max, else a usage error naming the option and quoting the value. */
    private int number(String option, String value, int max, String orWord) {
        String t = value.strip();
        int n = -1;
        if (!t.isEmpty() && t.length() <= 9 && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            n = Integer.parseInt(t);
        }
        if (n < 1 || n > max) {
            throw usage(option + " must be a whole number 1-" + max + (orWord.isEmpty() ? "" : " " + orWord)
                    + " but was '" + Table.sanitize(value) + "'");
        }
        return n;
    }
}
