package dev.docket.examples;

import dev.docket.extractor.playwright.FailureSnapshots;
import dev.docket.extractor.playwright.FormSearchFlow;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.RegistryFlow;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.JobProgress;
import dev.docket.queue.QueueAdmin;
import dev.docket.queue.spi.JobStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Failure snapshots, progress and throttling (docs/playwright.md, "When a job fails" and "Progress"): a search
 * flow that knows the registry's "too many requests" page, snapshots written to a directory of their own, a
 * custom flow reporting its steps, and an operator reading a job's progress.
 */
public final class FailureForensics {
    private FailureForensics() {
    }

    /** Registry A's flow, with the page the registry shows when it blocks us. */
    public static RegistryFlow registryA(String baseUrl) {
        RegistryFlow registryA = FormSearchFlow.builder()
                .startUrl(baseUrl + "/search")
                .numberField("#number")
                .submit("button[type=submit]")
                .resultLink("a.document")
                .notFound(".no-results")
                .blockedPage(".rate-limited")             // visible → ExtractionException THROTTLED, like HTTP 429
                .build();
        return registryA;
    }

    /** Snapshots of the first failure of each error per source per hour, in a directory of their own. */
    public static PlaywrightConfig config(String hostA, Path snapshots) {
        PlaywrightConfig config = PlaywrightConfig.fromEnvironment()
                .allowHosts("registry-a", hostA)
                .failureSnapshots(FailureSnapshots.builder()
                        .policy(FailureSnapshots.Policy.FIRST_PER_ERROR)  // or EVERY_FAILURE, OFF
                        .sink(new FileSystemDocumentSink(snapshots))      // default: the runtime's DocumentSink
                        .maxScreenshotBytes(1024 * 1024)
                        .maxHtmlChars(256 * 1024)
                        .budgetBytes(64L * 1024 * 1024)                   // per hour, for all snapshots
                        .build())
                .build();
        return config;
    }

    /** A custom flow that reports its steps. */
    public static RegistryFlow registryB(String baseUrl) {
        RegistryFlow registryB = (page, job, ctx) -> {
            ctx.progress("open", 0.0);
            page.navigate(baseUrl + "/acts/" + job.documentNumber());
            ctx.checkpoint();                                         // HTTP 429/503 → THROTTLED, honouring Retry-After
            ctx.progress("download", 0.5);
            return ctx.fetch(page.locator("a.pdf").first().getAttribute("href"), List.of("application/pdf"));
        };
        return registryB;
    }

    /** What an operator sees of a running job: its latest step, at most one heartbeat old. */
    public static String progressOf(JobStore store, long jobId) {
        QueueAdmin admin = QueueAdmin.over(store);
        Optional<JobProgress> progress = admin.progress(jobId);
        return progress.map(p -> p.step() + " " + Math.round(p.fraction() * 100) + "%").orElse("no progress yet");
    }
}
