package dev.docket.extractor.playwright;

import com.microsoft.playwright.Page;
import dev.docket.extractor.playwright.internal.FakeMemory;
import dev.docket.extractor.playwright.internal.MemoryReader;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractorHealth;
import dev.docket.queue.Job;
import dev.docket.testing.FakeRegistry;
import dev.docket.testing.TestExtractionContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The browser fleet with real chromium: recycling under load, memory figures, holding, pages a job opened. */
class FleetTest {
    private static final long MIB = 1024L * 1024;

    @TempDir
    Path tmp;

    @Test
    void browsersRetiredEveryFewJobsUnderFourBusySlotsFailNoJobAndHealthShowsTheFigures() throws Exception {
        int slots = 4;
        int jobs = 32;
        try (FakeRegistry registry = new FakeRegistry()) {
            PlaywrightExtractor extractor = PlaywrightExtractor.builder(Chromium.config(tmp).slotsPerBrowser(slots)
                            .fleet(FleetConfig.builder().browserMaxJobs(6).build())
                            .allowHosts("reg-a", registry.hostAndPort()).build())
                    .defaultFlow(FakeRegistryFlow.searchFlow(registry).build())
                    .build();
            ExecutorService threads = Executors.newFixedThreadPool(slots);
            try {
                extractor.start();
                AtomicInteger next = new AtomicInteger();
                List<Future<Integer>> workers = new ArrayList<>();
                for (int s = 0; s < slots; s++) {
                    int slot = s;
                    workers.add(threads.submit(() -> {
                        int done = 0;
                        for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
                            Job job = TestJobs.job(2000 + i, "reg-a", "N-" + i);
                            Document doc = extractor.extract(job, TestExtractionContext.of(Duration.ofSeconds(60), slot));
                            assertThat(doc.content()).isEqualTo(FakeRegistry.documentBytes("N-" + i));
                            done++;
                        }
                        return done;
                    }));
                }
                int total = 0;
                for (Future<Integer> w : workers) {
                    total += w.get(5, TimeUnit.MINUTES); // any failed job throws here
                }
                assertThat(total).isEqualTo(jobs);
                ExtractorHealth h = extractor.health();
                assertThat(h.ready()).as("%s", h).isTrue();
                assertThat(Chromium.await(Duration.ofSeconds(30), () -> {
                    ExtractorHealth now = extractor.health();
                    return now.figures().getOrDefault("browsers.recycled", 0L) >= 2
                            && now.figures().containsKey("memory.browser.0.bytes");
                })).as("recycled after 6 jobs each (the old browser serves while its successor launches), sampled: %s", extractor.health()).isTrue();
                h = extractor.health();
                assertThat(h.figures()).containsKeys("memory.limit.bytes", "memory.used.bytes", "memory.perSlot.bytes",
                        "slots.capacity", ExtractorHealth.FIGURE_DEFUNCT_PROCESSES);
                assertThat(h.figures().get("memory.browser.0.bytes")).isBetween(50 * MIB, 4096 * MIB);
                assertThat(h.slots()).isPositive();
                assertThat(h.detail()).contains("in use of").contains("#0 ");
                assertThat(Chromium.await(Duration.ofSeconds(20), () -> Chromium.browsers(tmp).size() == 1))
                        .as("the retired browsers are closed: %s", Chromium.browsers(tmp)).isTrue();
            } finally {
                threads.shutdownNow();
                extractor.close();
            }
        }
        assertThat(Chromium.await(Duration.ofSeconds(10), () -> Chromium.processesUsing(tmp).isEmpty())).isTrue();
    }

    @Test
    void aboveTheHighWaterMarkTheExtractorSaysHoldingWithTheFiguresAndReadyAgainBelowTheLowWaterMark() throws Exception {
        FakeMemory memory = new FakeMemory(new MemoryReader.Limit(2048 * MIB, "cgroup v2 /test", true));
        memory.workingSet = 1950 * MIB;
        try (FakeRegistry registry = new FakeRegistry()) {
            PlaywrightExtractor extractor = PlaywrightExtractor.builder(Chromium.config(tmp)
                            .fleet(FleetConfig.builder().memoryReserveBytes(512 * MIB).build())
                            .allowHosts("reg", registry.hostAndPort()).build())
                    .defaultFlow(FakeRegistryFlow.searchFlow(registry).build())
                    .memoryReader(memory)
                    .build();
            try {
                extractor.start();
                ExtractorHealth h = extractor.health();
                assertThat(h.holding()).as("%s", h).isTrue();
                assertThat(h.ready()).isFalse();
                assertThat(h.detail()).contains("above the high-water mark").contains("1950 MiB").contains("cgroup v2 /test");
                assertThat(h.figures()).containsEntry("memory.limit.bytes", 2048 * MIB).containsEntry("memory.used.bytes", 1950 * MIB);
                assertThat(h.slots()).as("(2048 - 512) MiB / the per-slot estimate, 181.5 MiB").isEqualTo(8);
                memory.workingSet = 1000 * MIB;
                assertThat(Chromium.await(Duration.ofSeconds(20), () -> extractor.health().ready()))
                        .as("%s", extractor.health()).isTrue();
            } finally {
                extractor.close();
            }
        }
    }

    @Test
    void everyPageAJobOpenedIncludingPopupsIsClosedWhenTheJobEnds() throws Exception {
        AtomicInteger pagesAtStart = new AtomicInteger(-1);
        try (FakeRegistry registry = new FakeRegistry()) {
            RegistryFlow popups = (page, job, ctx) -> {
                pagesAtStart.set(page.context().pages().size());
                page.navigate(registry.searchUrl());
                Page popup = page.waitForPopup(() -> page.evaluate("() => { window.open(location.href); window.open(location.href); }"));
                popup.waitForLoadState();
                return Document.of(FakeRegistry.documentBytes("x"), "application/pdf");
            };
            PlaywrightExtractor extractor = PlaywrightExtractor.builder(Chromium.config(tmp)
                            .allowHosts("reg", registry.hostAndPort()).build())
                    .defaultFlow(popups)
                    .build();
            try {
                extractor.start();
                for (int i = 0; i < 3; i++) {
                    extractor.extract(TestJobs.job(3000 + i, "reg", "N-" + i), TestExtractionContext.of(Duration.ofSeconds(30), 0));
                    assertThat(pagesAtStart.get()).as("job %d starts with only the session's page", i).isEqualTo(1);
                }
            } finally {
                extractor.close();
            }
        }
    }
}
