package dev.docket.benchmarks;

import dev.docket.extractor.playwright.FleetConfig;
import dev.docket.extractor.playwright.FormSearchFlow;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.PlaywrightExtractor;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.WorkerState;
import dev.docket.testing.FakeRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The browser fleet's memory over a long run (issue #15): {@code --jobs} jobs (default 2,000) on {@code --slots}
 * slots (default 4, one browser) against the fake registry, the PSS of every process below this JVM (browser
 * servers, chromium and its helpers) after every {@code --every} (100) completed jobs, once with browser recycling
 * off and once on (the defaults, or {@code --max-jobs N}). Passes when, with recycling, the PSS after the last
 * jobs is within 10 % of the PSS after 200 jobs.
 *
 * <pre>java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" dev.docket.benchmarks.FleetSoak [--jobs 2000] [--slots 4] [--max-jobs 500]</pre>
 */
public final class FleetSoak {
    static final double FLAT_TARGET = 1.10;
    private static final String SOURCE = "reg-a";

    public static void main(String[] args) throws Exception {
        int jobs = 2000;
        int slots = 4;
        int every = 100;
        int maxJobs = FleetConfig.DEFAULT_BROWSER_MAX_JOBS;
        String only = "off,on";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(args[i + 1]);
                case "--slots" -> slots = Integer.parseInt(args[i + 1]);
                case "--every" -> every = Integer.parseInt(args[i + 1]);
                case "--max-jobs" -> maxJobs = Integer.parseInt(args[i + 1]);
                case "--only" -> only = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String env = System.getenv("DOCKET_CHROMIUM_PATH");
        Path chromium = Path.of(env != null && !env.isBlank() ? env : PlaywrightConfig.DEFAULT_CHROMIUM_PATH_STRING);
        if (!Files.isExecutable(chromium)) {
            throw new IllegalStateException("chromium not found at " + chromium);
        }
        Map<String, long[]> series = new LinkedHashMap<>();
        try (FakeRegistry site = new FakeRegistry()) {
            if (only.contains("off")) {
                series.put("recycling off", run(site, chromium, jobs, slots, every, PlaywrightBenchmark.RECYCLING_OFF));
            }
            if (only.contains("on")) {
                series.put("recycling on (" + maxJobs + " jobs per browser)", run(site, chromium, jobs, slots, every,
                        FleetConfig.builder().browserMaxJobs(maxJobs).build()));
            }
        }
        StringBuilder b = new StringBuilder("| jobs done |");
        series.keySet().forEach(k -> b.append(' ').append(k).append(" PSS (MiB) |"));
        b.append("\n|---|").append("---|".repeat(series.size())).append('\n');
        for (int i = 0; i < jobs / every; i++) {
            b.append("| ").append((i + 1) * every).append(" |");
            for (long[] s : series.values()) {
                b.append(' ').append(s[i] / 1024).append(" |");
            }
            b.append('\n');
        }
        boolean ok = true;
        for (Map.Entry<String, long[]> e : series.entrySet()) {
            long[] s = e.getValue();
            int at200 = Math.min(s.length - 1, 200 / every - 1);
            double ratio = s[s.length - 1] / (double) s[at200];
            boolean pass = ratio <= FLAT_TARGET;
            if (e.getKey().startsWith("recycling on")) {
                ok &= pass;
            }
            b.append(String.format(Locale.ROOT, "%n%s: PSS after %d jobs / after 200 jobs = %.2f (target <= %.2f with"
                    + " recycling): %s", e.getKey(), jobs, ratio, FLAT_TARGET, pass ? "PASS" : "**MISS**"));
        }
        System.out.println();
        System.out.println(b);
        System.exit(ok ? 0 : 1);
    }

    /** One soak; returns the PSS (KiB) after every {@code every} jobs. */
    static long[] run(FakeRegistry site, Path chromium, int jobs, int slots, int every, FleetConfig fleet) throws Exception {
        log("soak with " + fleet + ", " + jobs + " jobs on " + slots + " slots; load " + Machine.loadAverages());
        PlaywrightConfig config = PlaywrightConfig.builder().executablePath(chromium).allowHosts(SOURCE, site.hostAndPort())
                .slotsPerBrowser(Math.max(1, slots)).fleet(fleet).build();
        FormSearchFlow flow = FormSearchFlow.builder().startUrl(site.base() + "/search").sourceField("#source")
                .numberField("#number").submit("#go").resultLink("a.doc").notFound(".none")
                .expectedContentTypes("application/pdf").build();
        PlaywrightExtractor extractor = PlaywrightExtractor.builder(config).flow(SOURCE, flow).build();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        WorkerListener listener = new WorkerListener() {
            @Override
            public void onCompleted(Job job, StoredDocument document, Duration took) {
                done.incrementAndGet();
            }

            @Override
            public void onRetryScheduled(Job job, String error, Duration delay) {
                failed.incrementAndGet();
                log("job " + job.id() + " failed: " + error);
            }

            @Override
            public void onFailed(Job job, String error, Duration took) {
                failed.incrementAndGet();
                done.incrementAndGet();
                log("job " + job.id() + " failed: " + error);
            }
        };
        InMemoryJobStore store = new InMemoryJobStore();
        long[] pss = new long[jobs / every];
        WorkerConfig wc = WorkerConfig.builder().workerId("soak").concurrency(slots).jobTimeout(Duration.ofSeconds(60))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build();
        long t0 = System.nanoTime();
        try (WorkerRuntime runtime = WorkerRuntime.builder(store, extractor).config(wc).documentSink(new NoopSink())
                .listener(listener).start()) {
            QueueBenchmark.waitUntil(() -> runtime.state() == WorkerState.RUNNING, Duration.ofSeconds(120),
                    "the Playwright extractor to start");
            List<NewJob> all = new ArrayList<>(jobs);
            for (int i = 0; i < jobs; i++) {
                all.add(NewJob.of(SOURCE, "soak-" + i));
            }
            store.enqueueAll(all);
            for (int i = 0; i < pss.length; i++) {
                long target = (long) (i + 1) * every;
                while (done.get() < target) {
                    Thread.sleep(20);
                    if (System.nanoTime() - t0 > Duration.ofMinutes(60).toNanos()) {
                        throw new IllegalStateException("the soak did not finish within an hour: " + done.get() + " done");
                    }
                }
                pss[i] = PssSampler.currentKb();
                log(String.format(Locale.ROOT, "  %d jobs: PSS %d MiB over %d processes, %.2f jobs/s so far; %s", target,
                        pss[i] / 1024, PssSampler.descendants().size(), done.get() / ((System.nanoTime() - t0) / 1e9),
                        figures(runtime)));
            }
        }
        log(String.format(Locale.ROOT, "soak done: %d jobs in %.0f s, %d failure(s)", jobs, (System.nanoTime() - t0) / 1e9,
                failed.get()));
        return pss;
    }

    private static String figures(WorkerRuntime runtime) {
        var h = runtime.extractorHealth();
        return h == null ? "no health yet" : "recycled " + h.figures().getOrDefault("browsers.recycled", 0L)
                + ", defunct " + h.figures().getOrDefault("processes.defunct", -1L);
    }

    private static void log(String s) {
        System.out.println(java.time.LocalTime.now().withNano(0) + " " + s);
    }
}
