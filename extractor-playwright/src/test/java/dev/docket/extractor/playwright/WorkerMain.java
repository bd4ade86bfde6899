package dev.docket.extractor.playwright;

import dev.docket.queue.Document;
import dev.docket.queue.Job;
import dev.docket.testing.FakeRegistry;
import dev.docket.testing.TestExtractionContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A worker process for {@link WorkerCrashTest}: starts a {@link PlaywrightExtractor} (profiles and Playwright's
 * temp files in {@code java.io.tmpdir}) and extracts jobs from the fake registry, printing {@code DONE n} after
 * each. Mode {@code forever} runs until killed; {@code finish} does three jobs, closes and exits 0.
 *
 * <p>Arguments: {@code <registry base url> <registry host:port> <driver dir> <forever|finish> [node path]}.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 && args.length != 5) {
            throw new IllegalArgumentException("usage: WorkerMain <base> <host:port> <driver dir> <forever|finish>, got " + Arrays.toString(args));
        }
        String base = args[0];
        boolean forever = args[3].equals("forever");
        PlaywrightConfig.Builder builder = PlaywrightConfig.builder()
                .executablePath(Chromium.executable())
                .driverDirectory(Path.of(args[2]))
                .allowHosts("reg-a", args[1]);
        if (args.length == 5) {
            builder.nodePath(Path.of(args[4]));
        }
        PlaywrightConfig config = builder.build();
        FormSearchFlow flow = FormSearchFlow.builder()
                .startUrl(base + "/search").sourceField("#source").numberField("#number").submit("#go")
                .resultLink("a.doc").notFound(".none").build();
        PlaywrightExtractor extractor = PlaywrightExtractor.builder(config).flow("reg-a", flow).build();
        extractor.start();
        System.out.println("STARTED");
        for (int i = 0; forever || i < 3; i++) {
            Job job = TestJobs.job(i + 1, "reg-a", "W-" + i);
            Document doc = extractor.extract(job, TestExtractionContext.of(Duration.ofSeconds(60), 0));
            if (doc.size() != FakeRegistry.documentBytes("W-" + i).length) {
                throw new IllegalStateException("wrong document for job " + job.id());
            }
            System.out.println("DONE " + i);
        }
        extractor.close();
        System.out.println("CLOSED");
    }
}
