package dev.docket.extractor.playwright;

import dev.docket.queue.DocketException;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.ExtractionException.Kind;
import dev.docket.queue.Job;
import dev.docket.testing.FakeRegistry;
import dev.docket.queue.testing.ManualClock;
import dev.docket.testing.TestExtractionContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link PlaywrightExtractor} with real chromium against a fake registry on 127.0.0.1. */
class PlaywrightExtractorTest extends TwoSitesFixture {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(30);

    @Override
    void afterClose() throws Exception {
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
                    .as("browser profiles are removed by close()").noneMatch(n -> n.startsWith("docket-chromium-"));
        }
    }

    private PlaywrightExtractor start(PlaywrightExtractor.Builder builder) {
        extractor = builder.build();
        extractor.start();
        return extractor;
    }

    private PlaywrightConfig.Builder config() {
        return Chromium.config(tmp).allowHosts("reg-a", registry.hostAndPort()).allowHosts("reg-b", registry.hostAndPort());
    }

    private Document extract(long id, String source, String number) throws Exception {
        return extractor.extract(TestJobs.job(id, source, number), TestExtractionContext.of(JOB_TIMEOUT, 0));
    }

    /** Starts the extractor with reg-a's search flow and a "slow" source whose page never loads. */
    private void startWithSlowSource(PlaywrightConfig.Builder config) {
        start(PlaywrightExtractor.builder(config.allowHosts("slow", registry.hostAndPort()).build())
                .flow("reg-a", FakeRegistryFlow.searchFlow(registry).build())
                .flow("slow", (page, job, ctx) -> {
                    page.navigate(registry.base() + "/slow");
                    throw new AssertionError("the slow page never loads");
                }));
    }

    /** Runs one extraction on another thread; completes with what it threw (null: it returned). */
    private CompletableFuture<Throwable> extractInBackground(Job job, ExtractionContext ctx) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                extractor.extract(job, ctx);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    private static ExtractionException failure(ThrowingCall call) {
        ExtractionException e = catchThrowableOfType(ExtractionException.class, call::run);
        assertThat(e).as("an ExtractionException").isNotNull();
        return e;
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void fetchesDocumentsReusingTheSessionUntilSessionTimeoutThenRecyclesIt() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        start(PlaywrightExtractor.builder(config().sessionTimeout(Duration.ofMinutes(4)).build())
                .flow("reg-a", FakeRegistryFlow.searchFlow(registry).build())
                .clock(clock));
        assertThat(extractor.health().ready()).isTrue();

        Document first = extract(1, "reg-a", "A-1");
        assertThat(first.content()).isEqualTo(FakeRegistry.documentBytes("A-1"));
        assertThat(first.contentType()).isEqualTo("application/pdf");
        clock.advance(Duration.ofMinutes(3));
        Document second = extract(2, "reg-a", "A-2");
        assertThat(second.content()).isEqualTo(FakeRegistry.documentBytes("A-2"));
        assertThat(registry.sessions()).as("the second job reused the first job's session (cookie)").hasSize(1);

        clock.advance(Duration.ofMinutes(1)); // 4 minutes after the session started: recycled
        Document third = extract(3, "reg-a", "A-3");
        assertThat(third.content()).isEqualTo(FakeRegistry.documentBytes("A-3"));
        assertThat(registry.sessions()).as("a new session after sessionTimeout").hasSize(2);
        assertThat(Chromium.browsers(tmp)).as("one browser for the slot").hasSize(1);
    }

    @Test
    void aResultWithoutHrefIsClickedAndItsBrowserDownloadIsTaken() throws Exception {
        start(PlaywrightExtractor.builder(config().build()).flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()));
        Document doc = extract(1, "reg-a", "click-1");
        assertThat(doc.content()).isEqualTo(FakeRegistry.documentBytes("click-1"));
        assertThat(doc.contentType()).isEqualTo("application/pdf");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
                    .as("the download's suggested name (../../click-1.pdf) was never used").noneMatch(n -> n.contains("click-1"));
        }
    }

    @Test
    void aDocumentTheRegistryDoesNotHaveFailsAsPermanentAndTheSessionIsReplaced() throws Exception {
        start(PlaywrightExtractor.builder(config().build()).flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()));

        ExtractionException e = failure(() -> extract(1, "reg-a", "missing-7"));
        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("missing-7").contains("reg-a");

        assertThat(extract(2, "reg-a", "A-2").content()).isEqualTo(FakeRegistry.documentBytes("A-2"));
        assertThat(registry.sessions()).as("the session is recycled after an error").hasSize(2);
    }

    @Test
    void aSlowPageTimesOutWithTheJobsDeadlineAndTheNextJobOnTheSlotSucceeds() throws Exception {
        startWithSlowSource(config());

        long t0 = System.nanoTime();
        ExtractionException e = failure(() -> extractor.extract(TestJobs.job(1, "slow", "S-1"),
                TestExtractionContext.of(Duration.ofSeconds(2), 0)));
        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).contains("job 1");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("bounded by the job's 2 s, not the 10 s navigation timeout")
                .isLessThan(Duration.ofSeconds(8));

        assertThat(extract(2, "reg-a", "A-2").content()).isEqualTo(FakeRegistry.documentBytes("A-2"));
    }

    @Test
    void theRuntimesCancelReleasesABlockedCallAndTheSlotKeepsWorking() throws Exception {
        startWithSlowSource(config().navigationTimeout(Duration.ofSeconds(60)));
        TestExtractionContext ctx = TestExtractionContext.of(Duration.ofSeconds(60), 0);
        CompletableFuture<Throwable> call = extractInBackground(TestJobs.job(1, "slow", "S-1"), ctx);
        assertThat(registry.awaitSlowRequest(Duration.ofSeconds(20))).isTrue();
        long t0 = System.nanoTime();
        ctx.cancel(); // from this thread, as the runtime's timeout path does

        Throwable thrown = call.get(15, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("released by closing the context, not by the kill fallback")
                .isLessThan(Duration.ofSeconds(4));
        assertThat(thrown).isInstanceOf(ExtractionException.class).hasMessageContaining("cancelled");
        assertThat(((ExtractionException) thrown).kind()).isEqualTo(Kind.TRANSIENT);

        assertThat(extract(2, "reg-a", "A-2").content()).isEqualTo(FakeRegistry.documentBytes("A-2"));
    }

    @Test
    void aBrowserKilledMidJobIsAnInfrastructureErrorAndTheRetrySucceedsOnARelaunchedBrowser() throws Exception {
        startWithSlowSource(config());
        List<ProcessHandle> browsers = Chromium.browsers(tmp);
        assertThat(browsers).hasSize(1);
        ProcessHandle first = browsers.get(0);

        CompletableFuture<Throwable> call = extractInBackground(TestJobs.job(1, "slow", "S-1"),
                TestExtractionContext.of(JOB_TIMEOUT, 0));
        assertThat(registry.awaitSlowRequest(Duration.ofSeconds(20))).isTrue();
        first.destroyForcibly(); // SIGKILL by its own pid

        Throwable thrown = call.get(15, TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(ExtractionException.class);
        assertThat(((ExtractionException) thrown).kind()).isEqualTo(Kind.INFRASTRUCTURE);
        assertThat(thrown.getMessage()).contains("died");

        assertThat(Chromium.await(Duration.ofSeconds(15), () -> extractor.health().ready()))
                .as("relaunched: %s", extractor.health()).isTrue();
        // the runtime retries the released job
        assertThat(extract(1, "reg-a", "A-1").content()).isEqualTo(FakeRegistry.documentBytes("A-1"));
        assertThat(Chromium.browsers(tmp)).hasSize(1).noneMatch(p -> p.pid() == first.pid());
    }

    @Test
    void aSlotNumberReusedRightAfterACancelGetsAWorkingSession() throws Exception {
        startWithSlowSource(config().navigationTimeout(Duration.ofSeconds(60)));
        TestExtractionContext abandoned = TestExtractionContext.of(Duration.ofSeconds(60), 0);
        CompletableFuture<Throwable> call = extractInBackground(TestJobs.job(1, "slow", "S-1"), abandoned);
        assertThat(registry.awaitSlowRequest(Duration.ofSeconds(20))).isTrue();
        abandoned.cancel();
        // the runtime does not wait for the abandoned call: the next job of slot 0 starts at once
        assertThat(extract(2, "reg-a", "A-2").content()).isEqualTo(FakeRegistry.documentBytes("A-2"));
        assertThat(call.get(15, TimeUnit.SECONDS)).isInstanceOf(ExtractionException.class).hasMessageContaining("cancelled");
        assertThat(extract(3, "reg-a", "A-3").content()).isEqualTo(FakeRegistry.documentBytes("A-3"));
    }

    @Test
    void aBrowserThatStopsAnsweringIsKilledByItsPidAndRelaunched() throws Exception {
        start(PlaywrightExtractor.builder(config().build()).flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()));
        assertThat(extract(1, "reg-a", "A-1").content()).isEqualTo(FakeRegistry.documentBytes("A-1"));
        ProcessHandle frozen = Chromium.browsers(tmp).get(0);
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(frozen.pid())).start();
        assertThat(stop.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stop.exitValue()).isZero();

        assertThat(Chromium.await(Duration.ofSeconds(60), () -> !frozen.isAlive()))
                .as("the supervisor kills a browser that does not answer").isTrue();
        assertThat(Chromium.await(Duration.ofSeconds(30), () -> extractor.health().ready()
                        && Chromium.browsers(tmp).stream().anyMatch(p -> p.pid() != frozen.pid())))
                .as("and relaunches it: %s", extractor.health()).isTrue();
        assertThat(extract(2, "reg-a", "A-2").content()).isEqualTo(FakeRegistry.documentBytes("A-2"));
    }

    @Test
    void healthIsDownWhileTheBrowserIsDeadAndCannotBeRelaunchedThenRecovers() throws Exception {
        Path broken = tmp.resolve("broken");
        Path wrapper = tmp.resolve("chromium-wrapper.sh");
        Files.writeString(wrapper, "#!/bin/sh\nif [ -e '" + broken + "' ]; then echo 'chromium is broken' >&2; exit 1; fi\n"
                + "exec '" + Chromium.executable() + "' \"$@\"\n");
        assertThat(wrapper.toFile().setExecutable(true)).isTrue();
        start(PlaywrightExtractor.builder(config().executablePath(wrapper).build()).flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()));
        assertThat(extract(1, "reg-a", "A-1").content()).isEqualTo(FakeRegistry.documentBytes("A-1"));

        Files.createFile(broken);
        ProcessHandle browser = Chromium.browsers(tmp).get(0);
        browser.destroyForcibly(); // no call in flight: only the process check can see this
        browser.onExit().get(10, TimeUnit.SECONDS);
        assertThat(extractor.health().ready()).isFalse();
        assertThat(extractor.health().detail()).contains("chromium #0");
        ExtractionException e = failure(() -> extract(2, "reg-a", "A-2"));
        assertThat(e.kind()).isEqualTo(Kind.INFRASTRUCTURE);
        assertThat(e.getMessage()).contains("chromium #0");

        Files.delete(broken);
        assertThat(Chromium.await(Duration.ofSeconds(30), () -> extractor.health().ready()))
                .as("relaunched with back-off once chromium can start: %s", extractor.health()).isTrue();
        assertThat(extract(2, "reg-a", "A-2").content()).isEqualTo(FakeRegistry.documentBytes("A-2"));
    }

    @Test
    void playwrightStillWorksInTheSameJvmAfterTheExtractorIsClosed() throws Exception {
        start(PlaywrightExtractor.builder(config().build()).flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()));
        assertThat(extract(1, "reg-a", "A-1").content()).isEqualTo(FakeRegistry.documentBytes("A-1"));
        extractor.close();
        // the extractor leaves the JVM's Playwright (driver, temp files) alone: other code can still use it
        try (com.microsoft.playwright.Playwright pw = com.microsoft.playwright.Playwright.create(
                new com.microsoft.playwright.Playwright.CreateOptions().setEnv(java.util.Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            assertThat(pw.chromium().name()).isEqualTo("chromium");
        }
    }

    @Test
    void healthIsDownBeforeStartAndAfterClose() {
        extractor = PlaywrightExtractor.builder(config().build()).flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()).build();
        assertThat(extractor.health().ready()).isFalse();
        assertThat(extractor.health().detail()).contains("not started");
        extractor.start();
        assertThat(extractor.health().ready()).isTrue();
        extractor.close();
        assertThat(extractor.health().ready()).isFalse();
        assertThat(Chromium.browsers(tmp)).isEmpty();
    }

    @Test
    void startFailsClearlyWhenTheExecutableDoesNotExist() {
        Path missing = tmp.resolve("no-such-chromium");
        extractor = PlaywrightExtractor.builder(config().executablePath(missing).build())
                .flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()).build();

        assertThatThrownBy(extractor::start)
                .isInstanceOf(DocketException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("doesn't exist")
                .hasMessageContaining("DOCKET_CHROMIUM_PATH")
                .hasMessageContaining("apt-get install chromium");
        assertThat(extractor.health().ready()).isFalse();
        assertThat(extractor.health().detail()).contains(missing.toString());
    }

    @Test
    void startFailsClearlyWhenTheExecutableIsNotABrowser() throws Exception {
        Path fake = tmp.resolve("fake-chromium.sh");
        Files.writeString(fake, "#!/bin/sh\necho 'I am not a browser' >&2\nexit 3\n");
        assertThat(fake.toFile().setExecutable(true)).isTrue();
        extractor = PlaywrightExtractor.builder(config().executablePath(fake).build())
                .flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()).build();

        assertThatThrownBy(extractor::start)
                .isInstanceOf(DocketException.class)
                .hasMessageContaining(fake.toString())
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("I am not a browser");
        // and a later start() tries again, failing the same way (the runtime retries with back-off)
        assertThatThrownBy(extractor::start).isInstanceOf(DocketException.class).hasMessageContaining("exited with code 3");
    }

    @Test
    void aServerRedirectToAHostOutsideTheAllowListIsBlockedAndPermanent() throws Exception {
        start(PlaywrightExtractor.builder(config().build()).defaultFlow((page, job, ctx) -> {
            page.navigate(registry.base() + "/redirect-away?to=" + job.documentNumber());
            return ctx.fetch("/doc/X.pdf", List.of("application/pdf"));
        }));
        String evil = "http://evil.invalid/steal";
        ExtractionException e = failure(() -> extract(1, "reg-a", evil));
        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("evil.invalid").contains("not allowed");

        String otherPort = other.base() + "/internal";
        ExtractionException e2 = failure(() -> extract(2, "reg-a", otherPort));
        assertThat(e2.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e2.getMessage()).contains(other.hostAndPort());
        assertThat(other.requests()).as("the redirect target was never contacted").isEmpty();
    }

    @Test
    void aScriptNavigationToAHostOutsideTheAllowListIsBlockedAndPermanent() throws Exception {
        start(PlaywrightExtractor.builder(config().build()).defaultFlow((page, job, ctx) -> {
            page.navigate(registry.base() + "/js-away?to=" + other.base() + "/exfiltrate");
            for (int i = 0; i < 100; i++) {
                ctx.checkpoint(); // throws once the navigation was blocked
                page.waitForTimeout(50);
            }
            throw new AssertionError("the navigation away was not noticed");
        }));
        ExtractionException e = failure(() -> extract(1, "reg-a", "A-1"));
        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains(other.hostAndPort());
        assertThat(other.requests()).isEmpty();
    }

    @Test
    void aDocumentLinkToAHostOutsideTheAllowListFailsAsPermanent() throws Exception {
        start(PlaywrightExtractor.builder(config().build()).flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()));
        ExtractionException e = failure(() -> extract(1, "reg-a", "away-1"));
        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("evil.invalid");
    }

    @Test
    void anOversizedDocumentIsRejectedWhetherItsLengthIsDeclaredOrNot() throws Exception {
        start(PlaywrightExtractor.builder(config().maxDownloadBytes(1024 * 1024).build())
                .flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()));
        ExtractionException declared = failure(() -> extract(1, "reg-a", "big-1"));
        assertThat(declared.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(declared.getMessage()).contains("over the limit of 1048576 bytes");

        ExtractionException chunked = failure(() -> extract(2, "reg-a", "chunked-1"));
        assertThat(chunked.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(chunked.getMessage()).contains("over the limit");
    }

    @Test
    void aDocumentOfAnUnexpectedContentTypeIsRejected() throws Exception {
        start(PlaywrightExtractor.builder(config().build()).flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()));
        ExtractionException e = failure(() -> extract(1, "reg-a", "html-1"));
        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).contains("text/html").contains("application/pdf");
    }

    @Test
    void aSourceWithoutAFlowOrWithoutAllowedHostsFailsAsPermanent() throws Exception {
        start(PlaywrightExtractor.builder(config().build()).flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()));
        ExtractionException noFlow = failure(() -> extract(1, "reg-unknown", "A-1"));
        assertThat(noFlow.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(noFlow.getMessage()).contains("no RegistryFlow").contains("reg-unknown");

        extractor.close();
        start(PlaywrightExtractor.builder(Chromium.config(tmp).build()).defaultFlow(FakeRegistryFlow.searchFlow(registry).build()));
        ExtractionException noHosts = failure(() -> extract(2, "reg-a", "A-1"));
        assertThat(noHosts.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(noHosts.getMessage()).contains("no allowed hosts").contains("allowHosts(\"reg-a\"");
    }
}
