package dev.docket.extractor.playwright;

import dev.docket.queue.ExtractionException;
import dev.docket.queue.ExtractionException.Kind;
import dev.docket.queue.JobProgress;
import dev.docket.testing.FakeRegistry;
import dev.docket.testing.TestExtractionContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * HTTP 429 and 503 from the registry (and its "blocked" page) are {@code THROTTLED} with the wait its
 * {@code Retry-After} asks for, on the main navigation, a fetch and a browser download; {@link FormSearchFlow}
 * reports its steps. Real chromium against queue-testing's {@link FakeRegistry}.
 */
class ThrottlingAndProgressTest {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private FakeRegistry registry;
    private PlaywrightExtractor extractor;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
        FormSearchFlow.Builder search = FakeRegistryFlow.searchFlow(registry).blockedPage(FakeRegistry.BLOCKED);
        extractor = PlaywrightExtractor.builder(Chromium.config(tmp).allowHostsForAllSources(registry.hostAndPort())
                        .failureSnapshots(FailureSnapshots.off()).build())
                .flow("reg-a", search.build())
                .flow("busy-429", search.startUrl(registry.base() + "/busy?status=429&retry-after=120").build())
                .flow("busy-date", FakeRegistryFlow.searchFlow(registry).startUrl(registry.base() + "/busy?status=503&retry-after="
                        + java.net.URLEncoder.encode(DateTimeFormatter.RFC_1123_DATE_TIME.format(
                                ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(10)), java.nio.charset.StandardCharsets.UTF_8)).build())
                .flow("busy-garbage", FakeRegistryFlow.searchFlow(registry).startUrl(registry.base() + "/busy?status=429&retry-after=soon").build())
                .flow("custom", (page, job, ctx) -> {
                    // a flow that checks nothing: it navigates, then waits for an element the 429 page lacks
                    page.navigate(registry.base() + "/busy?status=429&retry-after=30");
                    page.locator("#never").click(new com.microsoft.playwright.Locator.ClickOptions().setTimeout(500));
                    throw new AssertionError("unreachable");
                })
                .flow("click-busy", (page, job, ctx) -> {
                    page.navigate(registry.searchUrl());
                    page.evaluate("() => { const a = document.createElement('a'); a.id = 'dl';"
                            + " a.href = '/busy?status=503&retry-after=45'; a.textContent = 'doc'; document.body.append(a); }");
                    return ctx.download(() -> page.click("#dl"), java.util.List.of("application/pdf"));
                })
                .build();
        extractor.start();
    }

    @AfterEach
    void stop() {
        extractor.close();
        registry.close();
    }

    private ExtractionException failure(String source, String number, TestExtractionContext ctx) {
        ExtractionException e = catchThrowableOfType(ExtractionException.class,
                () -> extractor.extract(TestJobs.job(1, source, number), ctx));
        assertThat(e).as("an ExtractionException").isNotNull();
        return e;
    }

    private ExtractionException failure(String source, String number) {
        return failure(source, number, TestExtractionContext.of(JOB_TIMEOUT, 0));
    }

    @Test
    void aMainNavigationAnswered429IsThrottledForItsRetryAfterInSeconds() {
        ExtractionException e = failure("busy-429", "A-1");
        assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(120));
        assertThat(e.getMessage()).contains("HTTP 429 (Too Many Requests)", "/busy");
    }

    @Test
    void a503WithAnHttpDateIsThrottledUntilThatDate() {
        ExtractionException e = failure("busy-date", "A-1");
        assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(e.retryAfter()).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
    }

    @Test
    void aMalformedRetryAfterIsThrottledWithoutAHint() {
        ExtractionException e = failure("busy-garbage", "A-1");
        assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(e.retryAfter()).isZero();
    }

    @Test
    void aFlowThatIgnoresThe429AndTimesOutIsStillThrottled() {
        ExtractionException e = failure("custom", "A-1");
        assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aFetchedDocumentAnswered503IsThrottled() {
        ExtractionException e = failure("reg-a", "busy-1");
        assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(e.getMessage()).contains("HTTP 503 (Service Unavailable) for the document");
    }

    @Test
    void aDownloadWhoseClickLandsOnA503IsThrottled() {
        ExtractionException e = failure("click-busy", "A-1", TestExtractionContext.of(Duration.ofSeconds(4), 0));
        assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void theBlockedPageMeansThrottledWithoutAHint() {
        ExtractionException e = failure("reg-a", "blocked-1");
        assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(e.retryAfter()).isZero();
        assertThat(e.getMessage()).contains("blocked page (" + FakeRegistry.BLOCKED + ")");
    }

    @Test
    void formSearchFlowReportsItsStepsByItself() throws Exception {
        TestExtractionContext ctx = TestExtractionContext.of(JOB_TIMEOUT, 0);
        extractor.extract(TestJobs.job(1, "reg-a", "A-1"), ctx);
        assertThat(ctx.progressReports()).extracting(JobProgress::step, JobProgress::fraction).containsExactly(
                org.assertj.core.groups.Tuple.tuple("open", 0.0), org.assertj.core.groups.Tuple.tuple("search", 0.25),
                org.assertj.core.groups.Tuple.tuple("result", 0.5), org.assertj.core.groups.Tuple.tuple("download", 0.75));
    }

    @Test
    void aNotFoundIsStillPermanent() {
        assertThat(failure("reg-a", "missing-1").kind()).isEqualTo(Kind.PERMANENT);
    }
}
