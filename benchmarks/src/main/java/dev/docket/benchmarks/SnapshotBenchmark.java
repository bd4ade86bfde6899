package dev.docket.benchmarks;

import dev.docket.extractor.playwright.FailureSnapshots;
import dev.docket.extractor.playwright.FormSearchFlow;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.PlaywrightExtractor;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.testing.FakeRegistry;
import dev.docket.testing.TestExtractionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The cost of failure snapshots (#15): the time one failing job takes with a snapshot ({@code EVERY_FAILURE},
 * written to a {@link FileSystemDocumentSink} on local disk) and without ({@code OFF}), and the time of a job that
 * succeeds with snapshots on and off (the listeners that gather the evidence run on every job). One slot, real
 * chromium, {@link FakeRegistry} on 127.0.0.1; the failure is the registry's "not found" page (PERMANENT), so
 * both modes run the same flow. Configurations are interleaved within each round; the median of all rounds is
 * reported.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.docket.benchmarks.SnapshotBenchmark [--jobs N] [--rounds N]
 * </pre>
 */
public final class SnapshotBenchmark {
    private SnapshotBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = 30;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --jobs N, --rounds N)");
            }
        }
        String env = System.getenv("DOCKET_CHROMIUM_PATH");
        Path chromium = Path.of(env != null && !env.isBlank() ? env : PlaywrightConfig.DEFAULT_CHROMIUM_PATH_STRING);
        Path dir = Files.createTempDirectory("docket-snapshot-bench");
        FileSystemDocumentSink sink = new FileSystemDocumentSink(dir);
        try (FakeRegistry site = new FakeRegistry();
                Run off = new Run(site, chromium, FailureSnapshots.off());
                Run on = new Run(site, chromium, FailureSnapshots.builder().policy(FailureSnapshots.Policy.EVERY_FAILURE).build())) {
            for (int w = 0; w < 5; w++) { // warm-up: JIT, browser, session
                off.once(sink, true);
                on.once(sink, true);
                off.once(sink, false);
                on.once(sink, false);
            }
            List<Long> failOff = new ArrayList<>();
            List<Long> failOn = new ArrayList<>();
            List<Long> okOff = new ArrayList<>();
            List<Long> okOn = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                for (int j = 0; j < jobs; j++) {
                    failOff.add(off.once(sink, true));
                    failOn.add(on.once(sink, true));
                    okOff.add(off.once(sink, false));
                    okOn.add(on.once(sink, false));
                }
            }
            long files;
            long bytes = 0;
            try (var list = Files.list(dir)) {
                List<Path> all = list.toList();
                files = all.size();
                for (Path p : all) {
                    bytes += Files.size(p);
                }
            }
            long snapshots = (long) (rounds * jobs + 5);
            System.out.printf(Locale.ROOT, "SnapshotBenchmark: %d jobs x %d rounds per configuration, 1 slot, %d cpus,"
                    + " load %s%n", jobs, rounds, Machine.nproc(), Machine.loadAverages());
            System.out.printf(Locale.ROOT, "| job | snapshots off: median ms | on (every failure): median ms | extra |%n");
            System.out.printf(Locale.ROOT, "|---|---:|---:|---:|%n");
            row("failing (not found)", failOff, failOn);
            row("succeeding", okOff, okOn);
            System.out.printf(Locale.ROOT, "snapshot files: %d (%d per failure), %.1f KiB per snapshot on average%n", files,
                    files / Math.max(1, snapshots), bytes / 1024.0 / Math.max(1, snapshots));
        } finally {
            try (var list = Files.list(dir)) {
                for (Path p : list.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void row(String name, List<Long> off, List<Long> on) {
        double a = new Percentiles(off.stream().map(n -> n / 1e6).toList()).p(50);
        double b = new Percentiles(on.stream().map(n -> n / 1e6).toList()).p(50);
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %+.1f ms |%n", name, a, b, b - a);
    }

    /** One extractor with its own browser. */
    private static final class Run implements AutoCloseable {
        private final PlaywrightExtractor extractor;
        private long next = 1;

        Run(FakeRegistry site, Path chromium, FailureSnapshots snapshots) {
            extractor = PlaywrightExtractor.builder(PlaywrightConfig.builder().executablePath(chromium)
                            .allowHosts("reg-a", site.hostAndPort()).failureSnapshots(snapshots).build())
                    .flow("reg-a", FormSearchFlow.builder().startUrl(site.searchUrl()).sourceField(FakeRegistry.SOURCE_FIELD)
                            .numberField(FakeRegistry.NUMBER_FIELD).submit(FakeRegistry.SUBMIT)
                            .resultLink(FakeRegistry.RESULT_LINK).notFound(FakeRegistry.NOT_FOUND).build())
                    .build();
            extractor.start();
        }

        /** One job; returns its wall time in nanoseconds. */
        long once(FileSystemDocumentSink sink, boolean failing) {
            long id = next++;
            Instant now = Instant.now();
            Job job = Job.builder(id, "reg-a", (failing ? "missing-" : "A-") + id).status(JobStatus.PROCESSING).attempts(1)
                    .maxAttempts(3).workerId("bench").leaseToken(UUID.randomUUID()).leaseExpiresAt(now.plusSeconds(60))
                    .processingStartedAt(now).createdAt(now).build();
            TestExtractionContext ctx = TestExtractionContext.of(Duration.ofSeconds(60), 0).documentSink(sink);
            long t0 = System.nanoTime();
            try {
                extractor.extract(job, ctx);
                if (failing) {
                    throw new IllegalStateException("job " + id + " should have failed");
                }
            } catch (ExtractionException e) {
                if (!failing || e.kind() != ExtractionException.Kind.PERMANENT) {
                    throw e;
                }
            }
            return System.nanoTime() - t0;
        }

        @Override
        public void close() {
            extractor.close();
        }
    }
}
