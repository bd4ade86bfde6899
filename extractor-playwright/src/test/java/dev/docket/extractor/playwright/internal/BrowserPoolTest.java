package dev.docket.extractor.playwright.internal;

import dev.docket.extractor.playwright.FleetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link BrowserPool} with real chromium ({@code /usr/bin/chromium}, as the module's other browser tests). */
class BrowserPoolTest {
    @TempDir
    Path tmp;

    @Test
    void inAutoModeABrowserThatCannotStartWithItsSandboxIsStartedWithoutItAndAnswersItsHealthCheck() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("DOCKET_CHROMIUM_PATH", "/usr/bin/chromium"));
        assumeTrue(Files.isExecutable(chromium), "needs chromium");
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0),
                "needs root, where chromium refuses its sandbox");
        Path driver = DriverInstaller.ensureInstalled(Path.of("target", "playwright-driver").toAbsolutePath(), null);
        // auto, deciding as for an ordinary user: on; chromium (as root here) then refuses it
        ChromiumSandbox sandbox = ChromiumSandbox.decide(Optional.empty(), new ChromiumSandbox.Host(1000, true, false));
        assertThat(sandbox.enabled()).isTrue();
        ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor();
        try (BrowserPool pool = new BrowserPool(DriverInstaller.node(driver, null), driver.resolve("package"), chromium, true,
                sandbox, List.of(), tmp, Duration.ofSeconds(30), supervisor, FleetConfig.defaults(), 4,
                new FleetMemory(SystemMemory.ofThisProcess(), FleetConfig.defaults(), 4, ProcessHandle.current().pid()))) {
            BrowserProcess browser = pool.acquire(0);
            assertThat(browser.isAlive()).isTrue();
            assertThat(sandbox.enabled()).as("turned off after chromium refused it").isFalse();
            assertThat(browser.answers(Duration.ofSeconds(5))).as("the health check, without a DevTools port").isTrue();
            assertThat(browser.answers(Duration.ofSeconds(5))).as("again, on the same health connection").isTrue();
        } finally {
            supervisor.shutdownNow();
        }
    }
}
