package dev.docket.cli.internal;

import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code docket enqueue --source S --number N [...]} or {@code docket enqueue --csv FILE}: prints the
 * job ids, one per line, on stdout (scripts can read them); the summary goes to stderr.
 */
@Command(name = "enqueue", mixinStandardHelpOptions = true,
        description = {"Add one job, or every job of a CSV file (all or none), and print their ids.",
                "Usage: enqueue --source S --number N [--payload JSON] [--priority P] [--run-after ISO]"
                        + " [--max-attempts N] [--idempotency-key K] | enqueue --csv FILE",
                "CSV: UTF-8, RFC 4180, header document_source,document_number (optional columns: payload, priority,"
                        + " run_after, max_attempts, idempotency_key). A bad line is an error naming the line, and then"
                        + " nothing is enqueued."})
final class EnqueueCommand extends BaseCommand {
    /** Most errors printed for one CSV file. */
    static final int MAX_ERRORS_SHOWN = 20;

    @Option(names = "--source", paramLabel = "SOURCE", description = "Registry to fetch from")
    String source;

    @Option(names = "--number", paramLabel = "NUMBER", description = "Document to fetch")
    String number;

    @Option(names = "--payload", paramLabel = "JSON", description = "JSON handed to the extractor")
    String payload;

    @Option(names = "--priority", paramLabel = "P", description = "Higher runs first (0-" + NewJob.MAX_PRIORITY
            + ", default 0)")
    Integer priority;

    @Option(names = "--run-after", paramLabel = "ISO", description = "Not before this time, e.g. 2026-01-31T08:00:00Z")
    String runAfter;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Attempts before it fails for good (default "
            + NewJob.DEFAULT_MAX_ATTEMPTS + ")")
    Integer maxAttempts;

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "While a job with this key is not finished, enqueueing it again returns that job")
    String idempotencyKey;

    @Option(names = "--csv", paramLabel = "FILE", description = "Enqueue every row of this CSV file")
    Path csv;

    EnqueueCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        List<NewJob> jobs = csv != null ? fromCsv() : List.of(single());
        if (jobs.isEmpty()) {
            ctx.err().println("no jobs in " + csv + ": nothing enqueued");
            return ExitCodes.OK;
        }
        List<Job> enqueued;
        try (Session s = session()) {
            enqueued = jobs.size() == 1 ? List.of(s.queue().enqueue(jobs.get(0))) : s.queue().enqueueAll(jobs);
        }
        for (Job j : enqueued) {
            ctx.out().println(j.id());
        }
        if (csv != null) {
            ctx.err().println(enqueued.size() + " job(s) enqueued from " + csv);
        }
        return ExitCodes.OK;
    }

    private NewJob single() {
        if (source == null || number == null) {
            throw usage("give --source and --number (or --csv FILE)");
        }
        NewJob.Builder b = NewJob.builder(source, number).payload(payload);
        if (priority != null) {
            b.priority(priority);
        }
        if (maxAttempts != null) {
            b.maxAttempts(maxAttempts);
        }
        if (runAfter != null) {
            try {
                b.runAfter(CsvJobs.instant("--run-after", runAfter));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        b.idempotencyKey(idempotencyKey);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage().replace("documentSource", "--source").replace("documentNumber", "--number")
                    .replace("maxAttempts", "--max-attempts").replace("idempotencyKey", "--idempotency-key")
                    .replaceFirst("^payload", "--payload").replaceFirst("^priority", "--priority"));
        }
    }

    private List<NewJob> fromCsv() {
        if (source != null || number != null || payload != null || priority != null || runAfter != null
                || maxAttempts != null || idempotencyKey != null) {
            throw usage("--csv takes every field from the file: do not combine it with --source, --number, --payload,"
                    + " --priority, --run-after, --max-attempts or --idempotency-key");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(csv);
        } catch (NoSuchFileException e) {
            throw CliException.error("cannot read " + csv + ": no such file");
        } catch (IOException e) {
            throw CliException.error("cannot read " + csv + ": " + e.getMessage(), e);
        }
        CsvJobs.Result result = CsvJobs.parse(bytes);
        if (!result.ok()) {
            List<String> errors = result.errors();
            for (String e : errors.subList(0, Math.min(errors.size(), MAX_ERRORS_SHOWN))) {
                ctx.err().println(csv + " " + Table.sanitize(e));
            }
            throw CliException.error(csv + ": " + errors.size() + " bad line(s)"
                    + (errors.size() > MAX_ERRORS_SHOWN ? " (first " + MAX_ERRORS_SHOWN + " shown)" : "")
                    + "; nothing enqueued");
        }
        return result.jobs();
    }
}
