package dev.docket.extractor.playwright;

import dev.docket.testing.TestExtractionContext;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.ExtractionException.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Documents from a broken or hostile server ({@link HostileSite}), taken both ways a flow can take them: with
 * {@link FlowContext#fetch} and as a browser download ({@link FlowContext#download}), in real chromium. One
 * extractor for the whole class (a browser start per test would dominate the run time).
 */
class HostileDocumentsTest {
    private static final long CAP = 1024 * 1024;
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicLong ids = new AtomicLong();

    @TempDir
    static Path tmp;
    private static HostileSite site;
    private static PlaywrightExtractor extractor;

    /** How the flow takes the document. */
    enum Way {
        FETCH("fetch"), DOWNLOAD("download");

        final String source;

        Way(String source) {
            this.source = source;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        site = new HostileSite();
        List<String> pdf = List.of("application/pdf");
        extractor = PlaywrightExtractor.builder(Chromium.config(tmp)
                        .maxDownloadBytes(CAP)
                        .allowHosts("fetch", site.hostAndPort())
                        .allowHosts("download", site.hostAndPort())
                        .allowHosts("popups", site.hostAndPort())
                        .build())
                .flow("fetch", (page, job, ctx) -> {
                    page.navigate(site.base() + "/click/" + job.documentNumber());
                    return ctx.fetch("/doc/" + job.documentNumber(), pdf);
                })
                .flow("download", (page, job, ctx) -> {
                    page.navigate(site.base() + "/click/" + job.documentNumber());
                    return ctx.download(() -> page.click("#go"), pdf);
                })
                .flow("popups", (page, job, ctx) -> {
                    if (job.documentNumber().equals("open")) {
                        page.navigate(site.base() + "/opens-popup");
                        page.waitForPopup(() -> page.click("#open")).waitForLoadState();
                        assertThat(page.context().pages()).as("the popup is open during the job").hasSize(2);
                    }
                    return Document.of(String.valueOf(page.context().pages().size()).getBytes(StandardCharsets.US_ASCII),
                            "text/plain");
                })
                .build();
        extractor.start();
    }

    @AfterAll
    static void stop() {
        if (extractor != null) {
            extractor.close();
        }
        if (site != null) {
            site.close();
        }
    }

    @AfterEach
    void noDownloadIsLeftOnDisk() {
        assertThat(Chromium.await(Duration.ofSeconds(10), () -> downloadedFiles().isEmpty()))
                .as("every download (partial or complete) is removed after its job: %s", downloadedFiles()).isTrue();
    }

    /** Files in Playwright's download directories (playwright-artifacts-*) under the browsers' directories. */
    private static List<Path> downloadedFiles() {
        try (Stream<Path> all = Files.walk(tmp)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> p.getParent().getFileName().toString().startsWith("playwright-artifacts-"))
                    .collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // a profile changed while walking: nothing to judge
        }
    }

    /** Runs one job; a call still running after 20 s is cancelled as the runtime would, and its outcome returned. */
    private static Object extract(Way way, String name) throws Exception {
        return extract(way.source, name, 0);
    }

    private static Object extract(String source, String name, int slot) throws Exception {
        TestExtractionContext ctx = TestExtractionContext.of(JOB_TIMEOUT, slot);
        CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
            try {
                return extractor.extract(TestJobs.job(ids.incrementAndGet(), source, name), ctx);
            } catch (Exception e) {
                return e;
            }
        });
        try {
            return call.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            ctx.cancel();
            Object late = call.get(15, TimeUnit.SECONDS);
            throw new AssertionError("the job did not end within 20 s (cancelled; it then ended with " + late + ")");
        }
    }

    private static ExtractionException failure(Object outcome) {
        assertThat(outcome).as("the job fails with an ExtractionException").isInstanceOf(ExtractionException.class);
        return (ExtractionException) outcome;
    }

    private static void assertOverTheCap(Object outcome) {
        ExtractionException e = failure(outcome);
        assertThat(e.kind()).as("%s", e.getMessage()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("over the limit of " + CAP + " bytes").contains("maxDownloadBytes");
    }

    // ---- size caps while the body arrives ----

    @ParameterizedTest
    @EnumSource(Way.class)
    void anEndlessBodyIsStoppedAtTheCapAsPermanent(Way way) throws Exception {
        long before = site.endlessBytesSent.get();
        assertOverTheCap(extract(way, "endless.pdf"));
        assertThat(site.endlessBytesSent.get() - before).as("the body was abandoned near the cap, not read to its end")
                .isLessThan(HostileSite.ENDLESS_LIMIT / 4);
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void aDeclaredLengthOverTheCapIsRefusedAsPermanent(Way way) throws Exception {
        long before = site.endlessBytesSent.get();
        assertOverTheCap(extract(way, "lying-length.pdf"));
        assertThat(site.endlessBytesSent.get() - before).isLessThan(HostileSite.ENDLESS_LIMIT / 4);
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void aGzipBombIsCountedByItsDecodedBytes(Way way) throws Exception {
        assertOverTheCap(extract(way, "gzip-bomb.pdf"));
        assertOverTheCap(extract(way, "gzip-chunked-bomb.pdf"));
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void aGzipEncodedDocumentIsDecoded(Way way) throws Exception {
        Object outcome = extract(way, "gzip-ok.pdf");
        assertThat(outcome).isInstanceOf(Document.class);
        assertThat(Arrays.equals(((Document) outcome).content(), HostileSite.PDF)).as("the decoded bytes").isTrue();
        assertThat(((Document) outcome).contentType()).isEqualTo("application/pdf");
    }

    // ---- the bytes must be what the server says they are ----

    @ParameterizedTest
    @EnumSource(Way.class)
    void anHtmlErrorPageServedAsPdfIsRejectedNamingBothTypes(Way way) throws Exception {
        ExtractionException e = failure(extract(way, "error-page.pdf"));
        assertThat(e.kind()).as("%s", e.getMessage()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("declared application/pdf").contains("text/html");

        ExtractionException png = failure(extract(way, "png-as.pdf"));
        assertThat(png.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(png.getMessage()).contains("declared application/pdf").contains("image/png");

        assertThat(Arrays.equals(((Document) extract(way, "ok.pdf")).content(), HostileSite.PDF)).isTrue();
    }

    // ---- the content type must be writable ----

    @ParameterizedTest
    @EnumSource(Way.class)
    void aContentTypeWithControlCharactersFailsAsPermanentSayingWhy(Way way) throws Exception {
        ExtractionException e = failure(extract(way, "control-chars.pdf"));
        assertThat(e.kind()).as("%s", e.getMessage()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("Content-Type").contains("not a valid media type").contains("\\u0001")
                .doesNotContain("\u0001").doesNotContain("\u001b");

        ExtractionException inParam = failure(extract(way, "newline-param.pdf"));
        assertThat(inParam.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(inParam.getMessage()).doesNotContain("\u001f");
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void theDocumentsTypeIsTheCleanMediaTypeWithItsCharset(Way way) throws Exception {
        Object outcome = extract(way, "charset-param.pdf");
        assertThat(outcome).isInstanceOf(Document.class);
        assertThat(((Document) outcome).contentType()).isEqualTo("application/pdf; charset=utf-8");
    }

    // ---- pages a job opened do not outlive it ----

    @Test
    void popupsAJobOpenedAreClosedWhenItEnds() throws Exception {
        Object first = extract("popups", "open", 1);
        assertThat(first).isInstanceOf(Document.class);

        Object second = extract("popups", "count", 1);
        assertThat(second).isInstanceOf(Document.class);
        assertThat(new String(((Document) second).content(), StandardCharsets.US_ASCII))
                .as("the next job of the reused session sees only its own page").isEqualTo("1");
    }
}
