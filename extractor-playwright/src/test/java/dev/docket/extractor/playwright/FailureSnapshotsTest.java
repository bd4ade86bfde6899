package dev.docket.extractor.playwright;

import dev.docket.extractor.playwright.internal.snapshot.Snapshotter;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.FailureSnapshot;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import dev.docket.testing.FakeRegistry;
import dev.docket.testing.TestExtractionContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Failure snapshots of real chromium pages: what is saved, where, how often, and that a hostile page cannot inflate them. */
class FailureSnapshotsTest {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    @TempDir
    Path sinkDir;
    private FakeRegistry registry;
    private PlaywrightExtractor extractor;

    @BeforeEach
    void startSite() throws Exception {
        registry = new FakeRegistry();
    }

    @AfterEach
    void stop() {
        if (extractor != null) {
            extractor.close();
        }
        registry.close();
    }

    /** A context whose runtime sink is {@code sink}, as the worker runtime gives it. */
    private static TestExtractionContext context(DocumentSink sink) {
        return TestExtractionContext.of(JOB_TIMEOUT, 0).documentSink(sink);
    }

    private void start(FailureSnapshots snapshots) {
        extractor = PlaywrightExtractor.builder(Chromium.config(tmp).allowHostsForAllSources(registry.hostAndPort())
                        .failureSnapshots(snapshots).build())
                .flow("reg-a", FakeRegistryFlow.searchFlow(registry).build())
                .flow("hostile", (page, job, ctx) -> {
                    page.navigate(registry.searchUrl());
                    StringBuilder html = new StringBuilder("<canvas id=c width=1280 height=720></canvas><script>"
                            + "const c = document.getElementById('c').getContext('2d'); const d = c.createImageData(1280, 720);"
                            + " for (let i = 0; i < d.data.length; i++) d.data[i] = Math.random() * 256; c.putImageData(d, 0, 0);"
                            + " console.error('hostile page error ' + 'x'.repeat(5000));"
                            + " for (let i = 0; i < 500; i++) console.error('spam ' + i);</script>");
                    for (int i = 0; i < 20_000; i++) {
                        html.append("<p onclick='steal()'>filler ").append(i).append("</p><script>var x").append(i).append(";</script>");
                    }
                    page.setContent(html.toString());
                    ctx.progress("hostile", 0.5);
                    throw ExtractionException.transientFailure("job " + job.id() + ": the hostile page failed", null);
                })
                .build();
        extractor.start();
    }

    private ExtractionException failure(Job job, TestExtractionContext ctx) {
        ExtractionException e = catchThrowableOfType(ExtractionException.class, () -> extractor.extract(job, ctx));
        assertThat(e).isNotNull();
        return e;
    }

    private static Map<String, FailureSnapshot.File> byRole(FailureSnapshot s) {
        return s.files().stream().collect(Collectors.toMap(FailureSnapshot.File::role, f -> f));
    }

    private static byte[] read(FailureSnapshot.File f) throws Exception {
        return Files.readAllBytes(Path.of(URI.create(f.document().uri())));
    }

    @Test
    void aFailedJobLeavesAScreenshotItsHtmlAndTheDetailsUnderNamesOfTheirOwn() throws Exception {
        start(FailureSnapshots.defaults());
        FileSystemDocumentSink sink = new FileSystemDocumentSink(sinkDir);
        TestExtractionContext ctx = context(sink);
        Job job = TestJobs.job(42, "reg-a", "missing-7");

        assertThat(failure(job, ctx).kind()).isEqualTo(ExtractionException.Kind.PERMANENT);

        assertThat(ctx.snapshots()).singleElement().satisfies(s -> {
            assertThat(s.attempt()).isEqualTo(1);
            assertThat(s.kind()).isEqualTo("PERMANENT");
            assertThat(s.error()).contains("has no document 'missing-7'");
            assertThat(FailureSnapshot.parse(s.toMessage())).contains(s);
        });
        Map<String, FailureSnapshot.File> files = byRole(ctx.snapshots().get(0));
        assertThat(files).containsOnlyKeys("screenshot", "html", "details");
        for (FailureSnapshot.File f : files.values()) {
            String name = Path.of(URI.create(f.document().uri())).getFileName().toString();
            assertThat(name).startsWith("42-").doesNotContain(job.leaseToken().toString());
            assertThat(name).isEqualTo("42-" + Snapshotter.fileToken(job.leaseToken(), f.role()) + "."
                    + dev.docket.queue.Document.of(new byte[1], f.document().contentType()).fileExtension());
        }
        byte[] png = read(files.get("screenshot"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        String html = new String(read(files.get("html")), StandardCharsets.UTF_8);
        assertThat(html).contains("No document missing-7").doesNotContainIgnoringCase("<script");
        String details = new String(read(files.get("details")), StandardCharsets.UTF_8);
        assertThat(details).contains("\"jobId\":42", "\"mainDocumentStatus\":200", "\"kind\":\"PERMANENT\"",
                "\"progress\":\"search 25%\"", "/results?<redacted>").doesNotContain("number=missing-7");
    }

    @Test
    void firstPerErrorSavesOneSnapshotForTheSameErrorOfManyJobsAndEveryFailureSavesEach() throws Exception {
        start(FailureSnapshots.defaults());
        FileSystemDocumentSink sink = new FileSystemDocumentSink(sinkDir);
        TestExtractionContext first = context(sink);
        TestExtractionContext second = context(sink);
        failure(TestJobs.job(1, "reg-a", "missing-1"), first);
        failure(TestJobs.job(2, "reg-a", "missing-2"), second);
        assertThat(first.snapshots()).hasSize(1);
        assertThat(second.snapshots()).as("the same error within the hour").isEmpty();
        extractor.close();

        start(FailureSnapshots.builder().policy(FailureSnapshots.Policy.EVERY_FAILURE).build());
        TestExtractionContext third = context(sink);
        TestExtractionContext fourth = context(sink);
        failure(TestJobs.job(3, "reg-a", "missing-3"), third);
        failure(TestJobs.job(4, "reg-a", "missing-4"), fourth);
        assertThat(third.snapshots()).hasSize(1);
        assertThat(fourth.snapshots()).hasSize(1);
    }

    @Test
    void aSuccessfulJobAndAnExtractorWithSnapshotsOffSaveNothing() throws Exception {
        start(FailureSnapshots.off());
        FileSystemDocumentSink sink = new FileSystemDocumentSink(sinkDir);
        TestExtractionContext ctx = context(sink);
        failure(TestJobs.job(1, "reg-a", "missing-1"), ctx);
        extractor.extract(TestJobs.job(2, "reg-a", "A-2"), ctx);
        assertThat(ctx.snapshots()).isEmpty();
        try (var left = Files.list(sinkDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aHostilePageCannotInflateTheSnapshot() throws Exception {
        int maxShot = 16 * 1024;
        int maxHtml = 8 * 1024;
        start(FailureSnapshots.builder().maxScreenshotBytes(maxShot).maxHtmlChars(maxHtml).build());
        TestExtractionContext ctx = context(new FileSystemDocumentSink(sinkDir));

        failure(TestJobs.job(9, "hostile", "H-1"), ctx);

        Map<String, FailureSnapshot.File> files = byRole(ctx.snapshots().get(0));
        if (files.containsKey("screenshot")) {
            assertThat(read(files.get("screenshot")).length).isLessThanOrEqualTo(maxShot);
        }
        String html = new String(read(files.get("html")), StandardCharsets.UTF_8);
        assertThat(html.length()).isLessThanOrEqualTo(maxHtml + 300);
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase(" onclick=");
        String details = new String(read(files.get("details")), StandardCharsets.UTF_8);
        assertThat(details.length()).isLessThan(16 * 1024);
        assertThat(details).contains("\"progress\":\"hostile 50%\"", "over the cap of " + maxShot);
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("\"consoleErrorCount\":([0-9]+)").matcher(details);
        assertThat(count.find()).isTrue();
        assertThat(Integer.parseInt(count.group(1))).as("every error counted").isGreaterThanOrEqualTo(501);
        assertThat(details.split("spam ", -1).length - 1).as("but at most 20 kept").isLessThanOrEqualTo(20);
    }
}
