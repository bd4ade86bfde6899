package dev.docket.benchmarks;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.extractor.playwright.FormSearchFlow;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.PlaywrightExtractor;
import dev.docket.extractor.playwright.internal.DriverInstaller;
import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.WorkerState;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.testing.FakeRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Playwright benchmark: jobs/s and peak memory (PSS summed over chromium and the Playwright drivers)
 * of Docket ({@link WorkerRuntime} + {@link PlaywrightExtractor} with a {@link FormSearchFlow}, over
 * {@link PostgresJobStore}) at 1, 2 and 4 slots, beside a bare Playwright loop doing the same flow
 * (search form, result page, document fetched with the session's cookies) with the same session
 * reuse (one browser context per slot for the whole run), against a fake registry on 127.0.0.1
 * ({@link FakeRegistry}). Also Docket at 4 slots with one browser per slot.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.docket.benchmarks.PlaywrightBenchmark
 *   --slots 1,2,4        slot counts (default 1,2,4)
 *   --jobs-per-slot N    measured jobs per slot (default 60)
 *   --warmup-per-slot N  unmeasured jobs per slot first (default 5)
 *   --rounds N           rounds, each measuring every configuration once (interleaved); best kept (default 2)
 *   --jvm-warmup N       unmeasured jobs of each kind first, so the JIT has compiled both (default 30; 0: none)
 *   --out FILE           also write the Markdown table there
 *   --fleet-compare true Docket only: browser recycling on (the defaults) against off, interleaved, same run
 *   --fleet-max-jobs N   with --fleet-compare: recycling on retires a browser after N jobs (default: the default)
 * </pre>
 * Chromium: {@code DOCKET_CHROMIUM_PATH}, else {@code /usr/bin/chromium}.
 */
public final class PlaywrightBenchmark {
    static final double THROUGHPUT_SHARE_TARGET = 0.95;
    static final double MEMORY_SHARE_TARGET = 0.60;
    private static final String SOURCE = "reg-a";

    private final Options o;
    private final Path chromium;
    private final FakeRegistry site;
    /** The fleet settings of the Docket configurations measured now (recycling on: the defaults). */
    private dev.docket.extractor.playwright.FleetConfig fleet = dev.docket.extractor.playwright.FleetConfig.defaults();
    /** Browser recycling off: no retirement by jobs, memory or idleness (Docket before #15). */
    static final dev.docket.extractor.playwright.FleetConfig RECYCLING_OFF = dev.docket.extractor.playwright.FleetConfig
            .builder().browserMaxJobs(0).browserMaxMemoryBytes(0).browserIdleTimeout(Duration.ZERO).build();

    /** One measured configuration. */
    record Result(String name, int slots, double jobsPerSecond, double peakPssMib, long peakProcesses, String load,
            String breakdown) {
    }

    PlaywrightBenchmark(Options o, FakeRegistry site) {
        this.o = o;
        this.site = site;
        String env = System.getenv("DOCKET_CHROMIUM_PATH");
        this.chromium = Path.of(env != null && !env.isBlank() ? env : PlaywrightConfig.DEFAULT_CHROMIUM_PATH_STRING);
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        boolean ok;
        try (FakeRegistry site = new FakeRegistry()) {
            ok = new PlaywrightBenchmark(o, site).run();
        }
        System.exit(ok ? 0 : 1);
    }

    boolean run() throws Exception {
        if (!Files.isExecutable(chromium)) {
            throw new IllegalStateException("chromium not found at " + chromium + "; install the Debian package "
                    + "'chromium' or set DOCKET_CHROMIUM_PATH");
        }
        // one driver directory for Docket and the bare loop (PlaywrightExtractor would install it on start)
        DriverInstaller.ensureInstalled(DriverInstaller.defaultDriverDirectory(), null);
        String machine;
        try (BenchDatabase probe = BenchDatabase.fresh("docket_bench_probe")) {
            machine = Machine.describe(probe) + ", " + chromiumVersion();
        }
        log("machine: " + machine + "; " + Machine.loadNow());
        if (o.jvmWarmupJobs > 0) {
            // both sides' code paths JIT-compiled before anything is measured (else the first configuration pays)
            int measured = o.jobsPerSlot;
            o.jobsPerSlot = o.jvmWarmupJobs;
            try {
                log("JVM warm-up: " + o.jvmWarmupJobs + " jobs of each kind, not measured");
                if (o.wants("docket")) {
                    docket(1, PlaywrightConfig.DEFAULT_SLOTS_PER_BROWSER);
                }
                if (o.wants("bare")) {
                    bare(1);
                }
                awaitNoChildren();
            } finally {
                o.jobsPerSlot = measured;
            }
        }
        if (o.fleetCompare) {
            return fleetCompare();
        }
        Map<String, Result> results = new LinkedHashMap<>();
        int most = Arrays.stream(o.slots).max().orElse(4);
        // rounds interleaved (Docket, bare, Docket, bare, ...) so that a change in the machine's load between
        // rounds does not favour one side; the best round of each side is kept
        for (int round = 0; round < o.rounds; round++) {
            for (int slots : o.slots) {
                if (o.wants("docket")) {
                    keepBest(results, "docket-" + slots, docket(slots, PlaywrightConfig.DEFAULT_SLOTS_PER_BROWSER));
                }
                if (o.wants("bare")) {
                    keepBest(results, "bare-" + slots, bare(slots));
                }
            }
            if (o.wants("per-slot")) {
                keepBest(results, "docket-" + most + "-per-slot", docket(most, 1));
            }
        }
        if (o.only != null) {
            return true; // a partial run: no table
        }
        String table = table(machine, results, most);
        System.out.println();
        System.out.println(table);
        if (o.out != null) {
            Files.writeString(o.out, table);
        }
        return table.contains("**MISS**") ? false : true;
    }

    /**
     * Recycling on (the defaults, or {@code --fleet-max-jobs N}) against recycling off, interleaved in each round at
     * every slot count; the best round of each kept. Passes when on is at least 95 % of off at every slot count.
     */
    private boolean fleetCompare() throws Exception {
        dev.docket.extractor.playwright.FleetConfig on = o.fleetMaxJobs < 0 ? dev.docket.extractor.playwright.FleetConfig.defaults()
                : dev.docket.extractor.playwright.FleetConfig.builder().browserMaxJobs(o.fleetMaxJobs).build();
        Map<String, Result> results = new LinkedHashMap<>();
        for (int round = 0; round < o.rounds; round++) {
            for (int slots : o.slots) {
                fleet = RECYCLING_OFF;
                keepBest(results, "off-" + slots, docket(slots, PlaywrightConfig.DEFAULT_SLOTS_PER_BROWSER));
                fleet = on;
                keepBest(results, "on-" + slots, docket(slots, PlaywrightConfig.DEFAULT_SLOTS_PER_BROWSER));
            }
            if (o.wants("per-slot")) {
                keepBest(results, "on-per-slot", docket(Arrays.stream(o.slots).max().orElse(4), 1));
            }
        }
        StringBuilder b = new StringBuilder("| slots | recycling off jobs/s | recycling on (" + on.browserMaxJobs()
                + " jobs per browser) jobs/s | on / off (target >= 95%) | peak PSS off / on (MiB) |\n|---|---|---|---|---|\n");
        boolean ok = true;
        for (int slots : o.slots) {
            Result off = results.get("off-" + slots);
            Result with = results.get("on-" + slots);
            double ratio = with.jobsPerSecond / off.jobsPerSecond;
            ok &= ratio >= THROUGHPUT_SHARE_TARGET;
            b.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.0f%% %s | %.0f / %.0f |%n", slots, off.jobsPerSecond,
                    with.jobsPerSecond, 100 * ratio, ratio >= THROUGHPUT_SHARE_TARGET ? "PASS" : "**MISS**",
                    off.peakPssMib, with.peakPssMib));
        }
        Result perSlot = results.get("on-per-slot");
        int most = Arrays.stream(o.slots).max().orElse(4);
        if (perSlot != null && results.containsKey("on-" + most)) {
            double mem = results.get("on-" + most).peakPssMib / perSlot.peakPssMib;
            ok &= mem <= MEMORY_SHARE_TARGET;
            b.append(String.format(Locale.ROOT, "%nMemory at %d slots with recycling on: %.0f MiB sharing browsers vs %.0f MiB"
                    + " with one browser per slot = %.0f%% (target <= 60%%): %s%n", most, results.get("on-" + most).peakPssMib,
                    perSlot.peakPssMib, 100 * mem, mem <= MEMORY_SHARE_TARGET ? "PASS" : "**MISS**"));
        }
        System.out.println();
        System.out.println(b);
        return ok;
    }

    /** Logs {@code r} and keeps, under {@code key}, the best throughput seen and the highest peak memory. */
    private static void keepBest(Map<String, Result> results, String key, Result r) throws InterruptedException {
        log(String.format(Locale.ROOT, "%s: %.2f jobs/s, peak PSS %.0f MiB over %d processes [%s] (%s)", r.name,
                r.jobsPerSecond, r.peakPssMib, r.peakProcesses, r.breakdown, r.load));
        Result best = results.get(key);
        if (best == null || r.jobsPerSecond > best.jobsPerSecond) {
            boolean memFromThis = best == null || r.peakPssMib >= best.peakPssMib;
            best = new Result(r.name, r.slots, r.jobsPerSecond, memFromThis ? r.peakPssMib : best.peakPssMib,
                    r.peakProcesses, r.load, memFromThis ? r.breakdown : best.breakdown);
        } else if (r.peakPssMib > best.peakPssMib) {
            best = new Result(best.name, best.slots, best.jobsPerSecond, r.peakPssMib, best.peakProcesses, best.load,
                    r.breakdown);
        }
        results.put(key, best);
        awaitNoChildren();
    }

    // ------------------------------------------------------------------ Docket

    Result docket(int slots, int slotsPerBrowser) throws Exception {
        String load = Machine.loadNow();
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_pw")) {
            HikariDataSource ds = db.pool("pw", 6);
            try (PostgresJobStore store = PostgresJobStore.builder(ds).schema(db.schema()).build()) {
                PlaywrightConfig config = PlaywrightConfig.builder()
                        .executablePath(chromium)
                        .slotsPerBrowser(slotsPerBrowser)
                        .extraArgs(o.docketArgs)
                        .allowHosts(SOURCE, site.hostAndPort())
                        .fleet(fleet)
                        .build();
                FormSearchFlow form = flow();
                AtomicLong flowNanos = new AtomicLong();
                dev.docket.extractor.playwright.RegistryFlow timed = (page, job, ctx) -> {
                    long t = System.nanoTime();
                    try {
                        return form.run(page, job, ctx);
                    } finally {
                        flowNanos.addAndGet(System.nanoTime() - t);
                    }
                };
                PlaywrightExtractor extractor = PlaywrightExtractor.builder(config).flow(SOURCE, timed).build();
                AtomicReference<CountDownLatch> done = new AtomicReference<>(new CountDownLatch(o.warmupPerSlot * slots));
                AtomicLong failures = new AtomicLong();
                AtomicLong tookMillis = new AtomicLong();
                WorkerListener listener = new WorkerListener() {
                    @Override
                    public void onCompleted(Job job, StoredDocument document, Duration took) {
                        tookMillis.addAndGet(took.toMillis());
                        done.get().countDown();
                    }


                    @Override
                    public void onRetryScheduled(Job job, String error, Duration delay) {
                        failures.incrementAndGet();
                        log("job " + job.id() + " failed: " + error);
                    }

                    @Override
                    public void onFailed(Job job, String error, Duration took) {
                        failures.incrementAndGet();
                        log("job " + job.id() + " failed: " + error);
                    }
                };
                WorkerConfig wc = WorkerConfig.builder().workerId("bench-pw-" + slots + "x" + slotsPerBrowser)
                        .concurrency(slots).jobTimeout(Duration.ofSeconds(60))
                        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build();
                try (WorkerRuntime runtime = WorkerRuntime.builder(store, extractor).config(wc)
                        .documentSink(new NoopSink()).listener(listener).start()) {
                    QueueBenchmark.waitUntil(() -> runtime.state() == WorkerState.RUNNING, Duration.ofSeconds(120),
                            "the Playwright extractor to start");
                    store.enqueueAll(jobs("warm", o.warmupPerSlot * slots));
                    if (!done.get().await(5, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("warm-up did not finish: " + done.get().getCount() + " left");
                    }
                    int n = o.jobsPerSlot * slots;
                    done.set(new CountDownLatch(n));
                    tookMillis.set(0);
                    flowNanos.set(0);
                    try (PssSampler pss = new PssSampler(200)) {
                        long t0 = System.nanoTime();
                        store.enqueueAll(jobs("doc", n));
                        if (!done.get().await(10, TimeUnit.MINUTES)) {
                            throw new IllegalStateException("drain did not finish: " + done.get().getCount() + " left");
                        }
                        double secs = (System.nanoTime() - t0) / 1e9;
                        logCpu("Docket", pss, n);
                        log(String.format(Locale.ROOT, "  Docket %d slot(s): %.0f ms per job from start to recorded, of"
                                + " which %.0f ms in the registry flow", slots, tookMillis.get() / (double) n,
                                flowNanos.get() / 1e6 / n));
                        return new Result("Docket, " + slots + " slot(s), " + slotsPerBrowser + " slot(s) per browser",
                                slots, n / secs, pss.peakMib(), pss.peakProcesses(), load, pss.peakBreakdown());
                    } finally {
                        if (failures.get() > 0) {
                            log(failures.get() + " job failure(s) in this configuration");
                        }
                    }
                }
            }
        }
    }

    private FormSearchFlow flow() {
        return FormSearchFlow.builder()
                .startUrl(site.base() + "/search")
                .sourceField("#source")
                .numberField("#number")
                .submit("#go")
                .resultLink("a.doc")
                .notFound(".none")
                .expectedContentTypes("application/pdf")
                .build();
    }

    private static List<NewJob> jobs(String prefix, int n) {
        List<NewJob> jobs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            jobs.add(NewJob.of(SOURCE, prefix + "-" + i));
        }
        return jobs;
    }

    // ------------------------------------------------------------------ bare Playwright loop

    /**
     * {@code slots} threads, each with its own Playwright, its own chromium and one browser context
     * (session) reused for all its jobs: open the search page, pick the register, type the number,
     * submit, wait for the result link (or the not-found marker), fetch the document with the
     * session's cookies, check it is a PDF.
     */
    Result bare(int slots) throws Exception {
        String load = Machine.loadNow();
        int perSlot = o.jobsPerSlot;
        CyclicBarrier start = new CyclicBarrier(slots + 1);
        CyclicBarrier end = new CyclicBarrier(slots + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            int slot = s;
            Thread t = new Thread(() -> {
                try (Playwright pw = Playwright.create(new Playwright.CreateOptions()
                        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
                    BrowserType.LaunchOptions launch = new BrowserType.LaunchOptions().setExecutablePath(chromium)
                            .setHeadless(true);
                    if (!o.bareArgs.isEmpty()) {
                        launch.setArgs(o.bareArgs); // diagnostics: the same chromium flags as another launcher
                    }
                    Process own = null;
                    Browser browser;
                    if (o.bareOverCdp) {
                        // diagnostics: our own chromium, reached over CDP (as PlaywrightExtractor does)
                        Path profile = Files.createTempDirectory("bench-cdp-profile");
                        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                                "--disable-gpu", "--no-first-run", "--remote-debugging-port=0",
                                "--user-data-dir=" + profile, "about:blank"));
                        own = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(own.getInputStream()));
                        String line;
                        String ws = null;
                        while ((line = r.readLine()) != null) {
                            int at = line.indexOf("ws://");
                            if (line.contains("DevTools listening on") && at >= 0) {
                                ws = line.substring(at).trim();
                                break;
                            }
                        }
                        Process drain = own;
                        Thread d = new Thread(() -> {
                            try {
                                drain.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                            } catch (java.io.IOException e) {
                                // the browser ended
                            }
                        });
                        d.setDaemon(true);
                        d.start();
                        browser = pw.chromium().connectOverCDP(ws);
                    } else {
                        browser = pw.chromium().launch(launch);
                    }
                    BrowserContext context = browser.newContext();
                    Page page = context.newPage();
                    for (int i = 0; i < o.warmupPerSlot; i++) {
                        fetch(page, "warm-" + slot + "-" + i);
                    }
                    start.await();
                    for (int i = 0; i < perSlot; i++) {
                        if (o.bareWithFormFlow) {
                            bareFormFlow(page, "doc-" + slot + "-" + i);
                        } else {
                            fetch(page, "doc-" + slot + "-" + i);
                        }
                    }
                    end.await();
                    context.close();
                    browser.close();
                    if (own != null) {
                        own.destroy();
                        own.waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    start.reset();
                    end.reset();
                }
            }, "bench-bare-" + s);
            t.start();
            threads.add(t);
        }
        try {
            start.await(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.BrokenBarrierException e) {
            throw new IllegalStateException("bare loop failed to start", failure.get());
        }
        try (PssSampler pss = new PssSampler(200)) {
            long t0 = System.nanoTime();
            try {
                end.await(10, TimeUnit.MINUTES);
            } catch (java.util.concurrent.BrokenBarrierException e) {
                throw new IllegalStateException("bare loop failed", failure.get());
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            logCpu("bare loop", pss, slots * perSlot);
            for (Thread t : threads) {
                t.join(60_000);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("bare loop failed", failure.get());
            }
            return new Result("bare Playwright loop, " + slots + " thread(s), one browser each", slots,
                    slots * perSlot / secs, pss.peakMib(), pss.peakProcesses(), load, pss.peakBreakdown());
        }
    }

    /** Diagnostics: Docket's FormSearchFlow on the bare loop's page, with a minimal FlowContext. */
    private void bareFormFlow(Page page, String number) throws Exception {
        Job job = Job.builder(1, SOURCE, number).status(dev.docket.queue.JobStatus.PROCESSING).attempts(1)
                .maxAttempts(5).workerId("w").leaseToken(java.util.UUID.randomUUID())
                .createdAt(java.time.Instant.now()).build();
        dev.docket.extractor.playwright.FlowContext ctx = new dev.docket.extractor.playwright.FlowContext() {
            public Duration remaining() { return Duration.ofSeconds(60); }
            public Duration stepTimeout() { return Duration.ofSeconds(10); }
            public boolean isCancelled() { return false; }
            public void checkpoint() { }
            public java.util.Set<String> allowedHosts() { return java.util.Set.of(site.hostAndPort()); }
            public boolean isAllowed(String url) { return true; }
            public dev.docket.queue.Document fetch(String url, java.util.Collection<String> types) {
                APIResponse r = page.request().get(URI.create(page.url()).resolve(url).toString());
                try {
                    return dev.docket.queue.Document.of(r.body(), r.headers().get("content-type"));
                } finally {
                    r.dispose();
                }
            }
            public dev.docket.queue.Document download(Runnable trigger, java.util.Collection<String> types) {
                throw new UnsupportedOperationException();
            }
            public int slot() { return 0; }
            public int attempt() { return 1; }
        };
        flow().run(page, job, ctx);
    }

    private void fetch(Page page, String number) {
        page.navigate(site.base() + "/search");
        page.locator("#source").selectOption(SOURCE);
        page.locator("#number").fill(number);
        page.locator("#go").click();
        Locator either = page.locator("a.doc").or(page.locator(".none")).first();
        either.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(30_000));
        if (page.locator(".none").count() > 0) {
            throw new IllegalStateException("no document " + number);
        }
        String href = page.locator("a.doc").first().getAttribute("href");
        APIResponse r = page.request().get(URI.create(page.url()).resolve(href).toString());
        try {
            String type = r.headers().getOrDefault("content-type", "");
            byte[] body = r.body();
            if (r.status() != 200 || !type.startsWith("application/pdf") || body.length < 1000) {
                throw new IllegalStateException("bad document " + number + ": HTTP " + r.status() + " " + type);
            }
        } finally {
            r.dispose();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void awaitNoChildren() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!PssSampler.descendants().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (!PssSampler.descendants().isEmpty()) {
            System.out.println("[bench] warning: " + PssSampler.descendants().size() + " child process(es) still alive");
        }
    }

    private String chromiumVersion() {
        try {
            Process p = new ProcessBuilder(chromium.toString(), "--version").redirectErrorStream(true).start();
            String[] lines = new String(p.getInputStream().readAllBytes()).trim().split("\n");
            String v = lines[lines.length - 1].trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return v.isEmpty() ? "chromium" : v;
        } catch (Exception e) {
            return "chromium (version unknown)";
        }
    }

    /** CPU milliseconds per job, by kind of process: where the time of a job goes. */
    private static void logCpu(String who, PssSampler pss, int jobs) {
        StringBuilder b = new StringBuilder();
        double total = 0;
        for (var e : pss.cpuSecondsByKind().entrySet()) {
            double ms = e.getValue() * 1000 / jobs;
            total += ms;
            if (ms >= 1) {
                b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(Math.round(ms));
            }
        }
        log(String.format(Locale.ROOT, "  %s CPU per job: %.0f ms [%s]", who, total, b));
    }

    private static void log(String s) {
        System.out.println("[bench] " + s);
        System.out.flush();
    }

    String table(String machine, Map<String, Result> r, int most) {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(machine).append("  \n");
        b.append("Date: ").append(LocalDate.now()).append("; ").append(o.jobsPerSlot).append(" measured jobs per slot after ")
                .append(o.warmupPerSlot).append(" warm-up jobs per slot; best of ").append(o.rounds)
                .append(" interleaved rounds (peak memory: the highest of the rounds)  \n\n");
        b.append("| slots | Docket jobs/s | bare loop jobs/s | Docket / bare (target ≥ 95%) | Docket peak PSS (MiB) |"
                + " bare loop peak PSS (MiB) | load and idle CPU before (Docket / bare) |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (int slots : o.slots) {
            Result d = r.get("docket-" + slots);
            Result bare = r.get("bare-" + slots);
            double share = d.jobsPerSecond / bare.jobsPerSecond;
            b.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.0f%% %s | %.0f (%d processes) | %.0f (%d processes) | %s / %s |%n",
                    slots, d.jobsPerSecond, bare.jobsPerSecond, 100 * share,
                    share >= THROUGHPUT_SHARE_TARGET ? "PASS" : "**MISS**", d.peakPssMib, d.peakProcesses,
                    bare.peakPssMib, bare.peakProcesses, d.load, bare.load));
        }
        Result shared = r.get("docket-" + most);
        Result perSlot = r.get("docket-" + most + "-per-slot");
        double mem = shared.peakPssMib / perSlot.peakPssMib;
        b.append(String.format(Locale.ROOT, "%nMemory at %d slots: Docket sharing one chromium between %d slots %.0f MiB vs one"
                + " browser per slot (Docket, slotsPerBrowser=1) %.0f MiB (%.2f jobs/s) = %.0f%% (target ≤ 60%%): %s;"
                + " the bare loop (one browser per thread) peaked at %.0f MiB.%n", most,
                Math.min(most, PlaywrightConfig.DEFAULT_SLOTS_PER_BROWSER), shared.peakPssMib, perSlot.peakPssMib,
                perSlot.jobsPerSecond, 100 * mem, mem <= MEMORY_SHARE_TARGET ? "PASS" : "**MISS**",
                r.get("bare-" + most).peakPssMib));
        b.append("\nPeak PSS by process kind (MiB):\n\n");
        for (Result x : r.values()) {
            b.append("- ").append(x.name).append(": ").append(x.breakdown).append('\n');
        }
        return b.toString();
    }

    /** Command-line options. */
    static final class Options {
        int[] slots = {1, 2, 4};
        int jobsPerSlot = 60;
        int warmupPerSlot = 5;
        int rounds = 2;
        int jvmWarmupJobs = 30;
        Path out;
        java.util.Set<String> only;
        boolean bareWithFormFlow;
        List<String> bareArgs = List.of();
        List<String> docketArgs = List.of();
        boolean bareOverCdp;
        boolean fleetCompare;
        int fleetMaxJobs = -1;

        boolean wants(String part) {
            return only == null || only.contains(part);
        }

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--slots" -> o.slots = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--jobs-per-slot" -> o.jobsPerSlot = Integer.parseInt(v);
                    case "--warmup-per-slot" -> o.warmupPerSlot = Integer.parseInt(v);
                    case "--rounds" -> o.rounds = Integer.parseInt(v);
                    case "--jvm-warmup" -> o.jvmWarmupJobs = Integer.parseInt(v);
                    case "--out" -> o.out = Path.of(v);
                    case "--only" -> o.only = java.util.Set.of(v.split(","));
                    case "--bare-form-flow" -> o.bareWithFormFlow = Boolean.parseBoolean(v);
                    case "--bare-args" -> o.bareArgs = List.of(v.split(" "));
                    case "--docket-args" -> o.docketArgs = List.of(v.split(" "));
                    case "--bare-over-cdp" -> o.bareOverCdp = Boolean.parseBoolean(v);
                    case "--fleet-compare" -> o.fleetCompare = Boolean.parseBoolean(v);
                    case "--fleet-max-jobs" -> o.fleetMaxJobs = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return o;
        }
    }
}
