package dev.docket.extractor.playwright.internal;

import dev.docket.extractor.playwright.FleetConfig;
import dev.docket.queue.testing.Await;
import org.junit.jupiter.api.AfterEach;
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

/** Retiring browsers gracefully, with real chromium. */
class BrowserRecyclingTest {
    @TempDir
    Path tmp;
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor();
    private BrowserPool pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
        supervisor.shutdownNow();
    }

    private BrowserPool pool(FleetConfig fleet) throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("DOCKET_CHROMIUM_PATH", "/usr/bin/chromium"));
        assumeTrue(Files.isExecutable(chromium), "needs chromium");
        Path driver = DriverInstaller.ensureInstalled(Path.of("target", "playwright-driver").toAbsolutePath(), null);
        pool = new BrowserPool(DriverInstaller.node(driver, null), driver.resolve("package"), chromium, true,
                ChromiumSandbox.decide(Optional.of(false), ChromiumSandbox.Host.current(chromium)), List.of(), tmp,
                Duration.ofSeconds(30), supervisor, fleet, 4,
                new FleetMemory(SystemMemory.ofThisProcess(), fleet, 4, ProcessHandle.current().pid()));
        return pool;
    }

    @Test
    void afterMaxJobsAFreshBrowserIsLaunchedOffTheJobsThreadsTakesNewJobsAndTheOldOneClosesAfterItsLastJob() throws Exception {
        BrowserPool p = pool(FleetConfig.builder().browserMaxJobs(2).build());
        BrowserProcess first = p.lease(0, 0);
        assertThat(p.lease(0, 1)).isSameAs(first);
        // the third job: first is due; it still serves this job while the supervisor launches its successor
        assertThat(p.lease(0, 2)).isSameAs(first);
        assertThat(Await.within(Duration.ofSeconds(30), () -> p.current(0) != first)).as("replaced").isTrue();
        BrowserProcess fresh = p.lease(0, 3);
        assertThat(fresh).isNotSameAs(first).isSameAs(p.current(0));
        assertThat(first.isAlive()).as("three jobs still run on it").isTrue();
        assertThat(first.answers(Duration.ofSeconds(5))).as("and it still answers").isTrue();
        assertThat(p.problem()).as("a planned retirement is no problem").isNull();
        p.release(first);
        p.release(first);
        assertThat(first.isAlive()).as("one job still runs on it").isTrue();
        p.release(first);
        assertThat(Await.within(Duration.ofSeconds(20), () -> p.recycledCount() == 1)).as("closed after its last job").isTrue();
        assertThat(first.isAlive()).isFalse();
        assertThat(Files.exists(first.directory())).as("its profile removed").isFalse();
        assertThat(fresh.isAlive()).isTrue();
        assertThat(p.problem()).isNull();
        p.release(fresh);
    }

    @Test
    void aBrowserAboveItsMemoryLimitIsRetiredWhenTheNextJobStarts() throws Exception {
        BrowserPool p = pool(FleetConfig.builder().browserMaxJobs(0).browserMaxMemoryBytes(1).build());
        BrowserProcess first = p.lease(0, 0);
        p.release(first);
        p.sampleMemory();
        p.release(p.lease(0, 0)); // asks for the replacement
        assertThat(Await.within(Duration.ofSeconds(30), () -> p.current(0) != null && p.current(0) != first)).isTrue();
        assertThat(Await.within(Duration.ofSeconds(20), () -> !first.isAlive())).isTrue();
    }

    @Test
    void anIdleBrowserIsStoppedWithoutBeingReportedDownAndTheNextJobLaunchesAFreshOne() throws Exception {
        BrowserPool p = pool(FleetConfig.builder().browserIdleTimeout(Duration.ofMillis(500)).build());
        BrowserProcess first = p.lease(0, 0);
        p.release(first);
        assertThat(Await.within(Duration.ofSeconds(20), () -> !first.isAlive())).as("stopped when idle").isTrue();
        assertThat(p.current(0)).isNull();
        assertThat(p.problem()).isNull();
        BrowserProcess next = p.lease(0, 0);
        assertThat(next.isAlive()).isTrue();
        assertThat(next).isNotSameAs(first);
        p.release(next);
    }
}
