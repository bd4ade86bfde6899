package dev.docket.extractor.playwright;

import dev.docket.queue.Document;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Four slots sharing one chromium, as four runtime slot threads would use the extractor. */
class ConcurrentSlotsTest {
    private static final int SLOTS = 4;
    private static final int JOBS = 40;

    @TempDir
    Path tmp;
    @TempDir
    Path documents;

    @Test
    void fourSlotsOnOneBrowserProcessFortyJobsAndEveryDocumentLandsOnceCorrectAndComplete() throws Exception {
        FileSystemDocumentSink sink = new FileSystemDocumentSink(documents);
        Map<Long, Integer> storedTimes = new ConcurrentHashMap<>();
        try (FakeRegistry registry = new FakeRegistry()) {
            PlaywrightExtractor extractor = PlaywrightExtractor.builder(Chromium.config(tmp)
                            .slotsPerBrowser(SLOTS)
                            .allowHosts("reg-a", registry.hostAndPort())
                            .allowHosts("reg-b", registry.hostAndPort())
                            .build())
                    .defaultFlow(registry.searchFlow().build())
                    .build();
            ExecutorService slots = Executors.newFixedThreadPool(SLOTS);
            try {
                extractor.start();
                AtomicInteger next = new AtomicInteger();
                List<Future<Integer>> workers = new ArrayList<>();
                for (int s = 0; s < SLOTS; s++) {
                    int slot = s;
                    workers.add(slots.submit(() -> {
                        int done = 0;
                        for (int i = next.getAndIncrement(); i < JOBS; i = next.getAndIncrement()) {
                            Job job = TestJobs.job(1000 + i, i % 2 == 0 ? "reg-a" : "reg-b", "N-" + i);
                            Document doc = extractor.extract(job, TestExtractionContext.of(Duration.ofSeconds(60), slot));
                            sink.store(job, doc);
                            storedTimes.merge(job.id(), 1, Integer::sum);
                            done++;
                        }
                        return done;
                    }));
                }
                int total = 0;
                for (Future<Integer> w : workers) {
                    int done = w.get(5, TimeUnit.MINUTES);
                    assertThat(done).as("every slot worked").isPositive();
                    total += done;
                }
                assertThat(total).isEqualTo(JOBS);
                assertThat(Chromium.browsers(tmp)).as("the four slots share one chromium").hasSize(1);
            } finally {
                slots.shutdownNow();
                extractor.close();
            }
        }
        assertThat(storedTimes).hasSize(JOBS).allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
        try (Stream<Path> files = Files.list(documents)) {
            List<Path> stored = files.sorted().collect(Collectors.toList());
            assertThat(stored).hasSize(JOBS);
            for (int i = 0; i < JOBS; i++) {
                Path file = documents.resolve((1000 + i) + ".pdf");
                assertThat(file).exists();
                assertThat(Files.readAllBytes(file)).as("document %d complete and correct", i)
                        .isEqualTo(FakeRegistry.documentBytes("N-" + i));
            }
        }
        assertThat(Chromium.await(Duration.ofSeconds(10), () -> Chromium.processesUsing(tmp).isEmpty())).isTrue();
    }
}
