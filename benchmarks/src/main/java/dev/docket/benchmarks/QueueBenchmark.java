package dev.docket.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.Document;
import dev.docket.queue.Extractor;
import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresJobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queue benchmark: raw-SQL drain baseline, no-op drain through the full {@link WorkerRuntime},
 * batch enqueue, idle wake-up latency, and recovery after SIGKILL, each beside its target. Prints a
 * Markdown table (also written to {@code --out FILE} when given).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.docket.benchmarks.QueueBenchmark [options]
 *   --jobs N            jobs drained and enqueued (default 100000)
 *   --settings CxB[xP],...  WorkerRuntime concurrency x claimBatchSize [x prefetch, default 0] tried for the drain
 *                       (default 64x50,128x100,256x200)
 *   --pool N            connection pool size of the drain runtime (default 8)
 *   --finish-batch N    PostgresJobStore finishBatchSize of the drain (default 1000, the store's default)
 *   --warmup N          jobs of the unmeasured warm-up drains (raw and runtime) run first (default 30000)
 *   --samples N         wake-up latency samples (default 200)
 *   --default-runs N    recovery runs with the default lease (default 1; ~40 s each)
 *   --fast-runs N       recovery runs with a 2 s lease (default 3)
 *   --orphans N         jobs the killed worker holds (default 20)
 *   --recovery-prefetch P  of those, P held as prefetched jobs (claimed, not started; default 0)
 *   --only a,b          subset of raw,drain,enqueue,latency,recovery-default,recovery-fast
 *   --out FILE          also write the table there
 * </pre>
 */
public final class QueueBenchmark {
    static final int RAW_THREADS = 4;
    static final int RAW_BATCH = 50;
    static final double DRAIN_TARGET = 10_000;
    static final double DRAIN_BASELINE_SHARE = 0.60;
    static final double ENQUEUE_TARGET = 20_000;
    static final int ENQUEUE_BATCH = 1_000;
    static final double LATENCY_P50_TARGET_MS = 5;
    static final double LATENCY_P99_TARGET_MS = 25;
    static final double RECOVERY_DEFAULT_TARGET_S = 40;
    static final double RECOVERY_FAST_TARGET_S = 5;
    private static final Document TINY = Document.of("ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "text/plain");

    private final Options o;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private double rawBaseline = Double.NaN;
    /** CPU µs per job of the raw loop: JVM, PostgreSQL backends. */
    private double[] rawCpu;
    /** CPU µs per job of the last runtime drain: JVM, PostgreSQL backends. */
    private double[] lastDrainCpu;

    /** One line of the results table. */
    record Row(String measurement, String result, String target, String baseline, boolean pass, String settings,
            String load) {
    }

    QueueBenchmark(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        QueueBenchmark b = new QueueBenchmark(o);
        boolean ok = b.run();
        System.exit(ok ? 0 : 1);
    }

    boolean run() throws Exception {
        String machine;
        try (BenchDatabase probe = BenchDatabase.fresh("docket_bench_probe")) {
            machine = Machine.describe(probe);
        }
        log("machine: " + machine + "; load " + Machine.loadAverages());
        if (o.wants("raw")) {
            rawBaseline();
        }
        if (o.wants("drain")) {
            drain();
        }
        if (o.wants("enqueue")) {
            enqueue();
        }
        if (o.wants("latency")) {
            latency();
        }
        if (o.wants("recovery-default")) {
            recovery("default", Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10), o.defaultRuns,
                    RECOVERY_DEFAULT_TARGET_S);
        }
        if (o.wants("recovery-fast")) {
            recovery("fast", Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1), o.fastRuns,
                    RECOVERY_FAST_TARGET_S);
        }
        String table = table(machine);
        System.out.println();
        System.out.println(table);
        if (o.out != null) {
            Files.writeString(o.out, table);
        }
        return rows.stream().allMatch(Row::pass);
    }

    // ------------------------------------------------------------------ raw SQL baseline

    void rawBaseline() throws Exception {
        if (o.warmupJobs > 0) {
            log("warm-up raw loop of " + o.warmupJobs + " jobs (not measured)");
            rawOnce(o.warmupJobs);
        }
        String load = Machine.loadNow();
        double secs = rawOnce(o.jobs);
        rawBaseline = o.jobs / secs;
        rows.add(new Row("raw-SQL drain (baseline), " + o.jobs + " no-op jobs", perSec(rawBaseline),
                "reference ~17,000 jobs/s", perSec(rawBaseline), true,
                RAW_THREADS + " threads, claim " + RAW_BATCH + " (UPDATE … SKIP LOCKED … RETURNING), complete by id array",
                load + " → " + Machine.loadAverages()));
    }

    /** One raw-SQL drain of {@code jobs} no-op jobs; returns its seconds. */
    double rawOnce(int jobs) throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_raw")) {
            insertJobs(db, jobs);
            HikariDataSource ds = db.pool("raw", RAW_THREADS);
            String q = db.quotedSchema() + ".extraction_queue";
            String claim = "UPDATE " + q + " q SET status_id = 2, worker_id = ?, processing_started_at = now(),"
                    + " attempts = q.attempts + 1, lease_token = gen_random_uuid(),"
                    + " lease_expires_at = now() + interval '30 seconds', updated_at = now()"
                    + " WHERE q.id IN (SELECT c.id FROM " + q + " c WHERE c.status_id = 1 AND c.run_after <= now()"
                    + " ORDER BY c.priority DESC, c.run_after, c.id LIMIT " + RAW_BATCH + " FOR UPDATE SKIP LOCKED)"
                    + " RETURNING q.id, q.lease_token";
            String complete = "UPDATE " + q + " SET status_id = 3, result = '{}'::jsonb, lease_token = NULL,"
                    + " lease_expires_at = NULL, completed_at = now(), updated_at = now()"
                    + " WHERE id = ANY(?::bigint[]) AND status_id = 2";
            AtomicLong done = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(RAW_THREADS);
            Machine.Cpu cpu0 = Machine.Cpu.now();
            java.util.Map<Integer, Double> pg0 = Machine.backendCpu(db, "raw");
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < RAW_THREADS; t++) {
                String worker = "raw-" + t;
                fs.add(pool.submit(() -> {
                    try (Connection c = ds.getConnection();
                            PreparedStatement cl = c.prepareStatement(claim);
                            PreparedStatement co = c.prepareStatement(complete)) {
                        while (true) {
                            cl.setString(1, worker);
                            List<Long> ids = new ArrayList<>(RAW_BATCH);
                            try (ResultSet rs = cl.executeQuery()) {
                                while (rs.next()) {
                                    ids.add(rs.getLong(1));
                                }
                            }
                            if (ids.isEmpty()) {
                                return null;
                            }
                            Array arr = c.createArrayOf("int8", ids.toArray());
                            co.setArray(1, arr);
                            done.addAndGet(co.executeUpdate());
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Machine.Cpu cpu1 = Machine.Cpu.now();
            double pg = Machine.backendCpuSince(pg0, Machine.backendCpu(db, "raw"));
            pool.shutdown();
            long completed = db.queryLong("SELECT count(*) FROM %s.extraction_queue WHERE status_id = 3");
            check(completed == jobs, "raw loop completed " + completed + " of " + jobs);
            rawCpu = new double[] {(cpu1.jvm() - cpu0.jvm()) / jobs * 1e6, pg / jobs * 1e6};
            log(String.format(Locale.ROOT, "raw SQL: %d jobs in %.2f s = %.0f jobs/s; CPU per job: JVM %.0f µs,"
                    + " its PostgreSQL backends %.0f µs; %s", jobs, secs, jobs / secs, rawCpu[0], rawCpu[1],
                    cpu1.since(cpu0)));
            return secs;
        }
    }

    // ------------------------------------------------------------------ drain through WorkerRuntime

    void drain() throws Exception {
        if (o.warmupJobs > 0) {
            // JIT warm-up in this JVM (C2 compiling the runtime and the driver otherwise costs seconds of CPU
            // inside the first measured drain); not reported
            int[] first = o.settings.get(0);
            log("warm-up drain of " + o.warmupJobs + " jobs (not measured)");
            drainOnce(first[0], first[1], first[2], o.warmupJobs);
        }
        double best = 0;
        String bestSettings = null;
        String bestLoad = null;
        List<String> tried = new ArrayList<>();
        for (int[] s : o.settings) {
            String load = Machine.loadNow();
            double rate = drainOnce(s[0], s[1], s[2], o.jobs);
            String label = s[0] + "x" + s[1] + (s[2] > 0 ? "x" + s[2] : "");
            tried.add(label + ": " + perSec(rate));
            if (rate > best) {
                best = rate;
                bestSettings = "concurrency " + s[0] + ", claimBatchSize " + s[1] + ", prefetch " + s[2] + ", pool " + o.pool
                        + ", finishBatchSize " + o.finishBatch;
                bestLoad = load + " → " + Machine.loadAverages();
            }
        }
        boolean absolute = best >= DRAIN_TARGET;
        boolean relative = Double.isNaN(rawBaseline) || best >= DRAIN_BASELINE_SHARE * rawBaseline;
        String share = Double.isNaN(rawBaseline) ? "" : String.format(Locale.ROOT, " (%.0f%% of raw)", 100 * best / rawBaseline);
        rows.add(new Row("no-op drain through WorkerRuntime, " + o.jobs + " jobs", perSec(best) + share,
                "≥ 10,000 jobs/s and ≥ 60% of raw", Double.isNaN(rawBaseline) ? "-" : perSec(rawBaseline),
                absolute && relative, bestSettings + " (tried " + String.join("; ", tried) + ")", bestLoad));
    }

    double drainOnce(int concurrency, int batch, int prefetch, int jobs) throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_drain")) {
            insertJobs(db, jobs);
            HikariDataSource ds = db.pool("drain", o.pool);
            try (PostgresJobStore store = PostgresJobStore.builder(ds).schema(db.schema())
                    .finishBatchSize(o.finishBatch).dedicatedDataSource(o.dedicated).build()) {
                CountDownLatch all = new CountDownLatch(jobs);
                WorkerListener counter = new WorkerListener() {
                    @Override
                    public void onCompleted(Job job, StoredDocument document, Duration took) {
                        all.countDown();
                    }
                };
                Extractor noop = (job, context) -> TINY;
                WorkerConfig config = WorkerConfig.builder().concurrency(concurrency).claimBatchSize(batch)
                        .prefetch(prefetch).workerId("bench-drain").build();
                CountingStore counting = new CountingStore(store);
                Machine.Cpu cpu0 = Machine.Cpu.now();
                java.util.Map<Integer, Double> pg0 = Machine.backendCpu(db, "drain");
                long t0 = System.nanoTime();
                WorkerRuntime runtime = WorkerRuntime.builder(o.diagnostics ? counting : store, noop).config(config).documentSink(new NoopSink())
                        .listener(counter).start();
                try {
                    if (!all.await(10, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("drain did not finish in 10 minutes: " + all.getCount() + " left");
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    double rate = jobs / secs;
                    log(String.format(Locale.ROOT, "WorkerRuntime drain %dx%d prefetch %d pool %d finish batch %d: %d jobs in"
                            + " %.2f s = %.0f jobs/s (load %s)", concurrency, batch, prefetch, o.pool, o.finishBatch, jobs, secs, rate,
                            Machine.loadAverages()));
                    Machine.Cpu cpu1 = Machine.Cpu.now();
                    double pg = Machine.backendCpuSince(pg0, Machine.backendCpu(db, "drain"));
                    lastDrainCpu = new double[] {(cpu1.jvm() - cpu0.jvm()) / jobs * 1e6, pg / jobs * 1e6};
                    log(String.format(Locale.ROOT, "  CPU per job: JVM %.0f µs, its PostgreSQL backends %.0f µs; %s",
                            lastDrainCpu[0], lastDrainCpu[1], cpu1.since(cpu0)));
                    if (o.diagnostics) {
                        log("  store calls: " + counting.summary());
                        log("  context switches of this JVM's live threads: " + Machine.contextSwitches());
                        log("  CPU seconds by thread (whole JVM life): " + Machine.cpuByThread());
                    }
                    return rate;
                } finally {
                    runtime.close();
                    long completed = db.queryLong("SELECT count(*) FROM %s.extraction_queue WHERE status_id = 3");
                    check(completed == jobs, "drain completed " + completed + " of " + jobs);
                }
            }
        }
    }

    // ------------------------------------------------------------------ batch enqueue

    void enqueue() throws Exception {
        String load = Machine.loadNow();
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_enqueue")) {
            HikariDataSource ds = db.pool("enqueue", 2);
            try (PostgresJobStore store = PostgresJobStore.builder(ds).schema(db.schema()).build()) {
                // warm-up: JIT and statement caches
                store.enqueueAll(batch(0, ENQUEUE_BATCH));
                long t0 = System.nanoTime();
                for (int i = 0; i < o.jobs; i += ENQUEUE_BATCH) {
                    store.enqueueAll(batch(i + ENQUEUE_BATCH, Math.min(ENQUEUE_BATCH, o.jobs - i)));
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                double rate = o.jobs / secs;
                long n = db.queryLong("SELECT count(*) FROM %s.extraction_queue");
                check(n == o.jobs + ENQUEUE_BATCH, "enqueued " + n + " rows, expected " + (o.jobs + ENQUEUE_BATCH));
                log(String.format(Locale.ROOT, "enqueueAll: %d jobs in %.2f s = %.0f jobs/s", o.jobs, secs, rate));
                rows.add(new Row("batch enqueue (enqueueAll), " + o.jobs + " jobs", perSec(rate), "≥ 20,000 jobs/s", "-",
                        rate >= ENQUEUE_TARGET, "batches of " + ENQUEUE_BATCH + ", one thread, payload {\"n\":i}",
                        load + " → " + Machine.loadAverages()));
            }
        }
    }

    private static List<NewJob> batch(int from, int n) {
        List<NewJob> jobs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            jobs.add(NewJob.builder("bench", "doc-" + (from + i)).payload("{\"n\":" + (from + i) + "}").build());
        }
        return jobs;
    }

    // ------------------------------------------------------------------ idle wake-up latency

    void latency() throws Exception {
        String load = Machine.loadNow();
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_latency")) {
            HikariDataSource ds = db.pool("latency", 4);
            try (PostgresJobStore store = PostgresJobStore.builder(ds).schema(db.schema()).build()) {
                Map<Long, CompletableFuture<Long>> called = new ConcurrentHashMap<>();
                Extractor extractor = (job, context) -> {
                    long now = System.nanoTime();
                    called.computeIfAbsent(job.id(), id -> new CompletableFuture<>()).complete(now);
                    return TINY;
                };
                WorkerConfig config = WorkerConfig.builder().concurrency(4).pollInterval(Duration.ofMinutes(10))
                        .workerId("bench-latency").build();
                try (WorkerRuntime runtime = WorkerRuntime.builder(store, extractor).config(config)
                        .documentSink(new NoopSink()).start()) {
                    waitUntil(() -> store.isListening() && runtime.state() == dev.docket.queue.WorkerState.RUNNING,
                            Duration.ofSeconds(30), "runtime running and listening");
                    int warmup = 20;
                    List<Double> fromCommit = new ArrayList<>();
                    List<Double> fromCall = new ArrayList<>();
                    for (int i = 0; i < warmup + o.samples; i++) {
                        Thread.sleep(20 + ThreadLocalRandom.current().nextInt(30)); // let the claim loop go idle
                        long t0 = System.nanoTime();
                        Job job = store.enqueue(NewJob.of("bench", "latency-" + i));
                        long committed = System.nanoTime(); // enqueue() returns once the insert is committed
                        long t = called.computeIfAbsent(job.id(), id -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);
                        if (i >= warmup) {
                            fromCommit.add((t - committed) / 1e6);
                            fromCall.add((t - t0) / 1e6);
                        }
                    }
                    Percentiles p = new Percentiles(fromCommit);
                    Percentiles call = new Percentiles(fromCall);
                    log("wake-up latency from commit: " + p.summary("ms") + "; from the enqueue() call: "
                            + call.summary("ms"));
                    rows.add(new Row("idle wake-up latency (commit of an enqueue → extract called)", String.format(
                            Locale.ROOT, "p50 %s ms, p99 %s ms (max %s, n=%d)", Percentiles.fmt(p.p(50)),
                            Percentiles.fmt(p.p(99)), Percentiles.fmt(p.max()), p.count()), "p50 < 5 ms, p99 < 25 ms",
                            "-", p.p(50) < LATENCY_P50_TARGET_MS && p.p(99) < LATENCY_P99_TARGET_MS,
                            "pollInterval 10 min (only NOTIFY wakes it); from the return of enqueue() (the commit is"
                                    + " acknowledged) to extract() being called, System.nanoTime in one JVM; from the"
                                    + " start of the enqueue() call instead: p50 " + Percentiles.fmt(call.p(50))
                                    + " ms, p99 " + Percentiles.fmt(call.p(99)) + " ms; " + warmup
                                    + " warm-up samples dropped",
                            load + " → " + Machine.loadAverages()));
                }
            }
        }
    }

    // ------------------------------------------------------------------ recovery after SIGKILL

    void recovery(String name, Duration lease, Duration heartbeat, Duration staleCheck, int runs, double targetSeconds)
            throws Exception {
        String load = Machine.loadNow();
        List<Double> seconds = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            seconds.add(recoveryOnce(lease, heartbeat, staleCheck));
        }
        Percentiles p = new Percentiles(seconds);
        String settings = "lease " + lease.toMillis() + " ms, heartbeat " + heartbeat.toMillis() + " ms, stale check "
                + staleCheck.toMillis() + " ms; " + o.orphans + " orphaned jobs per run (" + o.recoveryPrefetch
                + " of them prefetched, not started); child exit value 137 (SIGKILL), "
                + "no shutdown hook ran";
        String result = runs == 1 ? String.format(Locale.ROOT, "%.2f s", p.max())
                : String.format(Locale.ROOT, "max %.2f s (runs: %s)", p.max(), fmtList(seconds));
        rows.add(new Row("recovery after SIGKILL, " + name + " settings (kill → last orphan re-claimed)", result,
                "≤ " + (int) targetSeconds + " s", "-", p.max() <= targetSeconds, settings,
                load + " → " + Machine.loadAverages()));
    }

    double recoveryOnce(Duration lease, Duration heartbeat, Duration staleCheck) throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_recovery")) {
            insertJobs(db, o.orphans);
            String childId = "bench-victim-" + ProcessHandle.current().pid();
            Path hookMarker = Files.createTempFile("docket-bench-hook", ".txt");
            Files.delete(hookMarker);
            ChildJvm child = ChildJvm.start("victim", RecoveryChild.class, List.of("-Xmx256m"),
                    List.of(db.schema(), childId, Integer.toString(o.orphans), Long.toString(lease.toMillis()),
                            Long.toString(heartbeat.toMillis()), Long.toString(staleCheck.toMillis()),
                            hookMarker.toString(), Integer.toString(o.recoveryPrefetch)),
                    db.server().asEnvironment(), null, null);
            try {
                waitUntil(() -> db.queryLong("SELECT count(*) FROM %s.extraction_queue WHERE status_id = 2 AND worker_id = '"
                        + childId + "'") == o.orphans, Duration.ofSeconds(60), "the child holding " + o.orphans + " jobs");
            } catch (RuntimeException e) {
                child.process().destroyForcibly();
                throw new IllegalStateException(e.getMessage() + "; child output: " + child.lines(), e);
            }
            Set<Long> orphans = new HashSet<>();
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM " + db.quotedSchema() + ".extraction_queue WHERE status_id = 2")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        orphans.add(rs.getLong(1));
                    }
                }
            }
            HikariDataSource ds = db.pool("survivor", 4);
            try (PostgresJobStore store = PostgresJobStore.builder(ds).schema(db.schema()).build()) {
                Map<Long, Long> reclaimedAt = new ConcurrentHashMap<>();
                CountDownLatch allBack = new CountDownLatch(orphans.size());
                WorkerListener l = new WorkerListener() {
                    @Override
                    public void onClaimed(Job job) {
                        if (orphans.contains(job.id()) && reclaimedAt.putIfAbsent(job.id(), System.nanoTime()) == null) {
                            allBack.countDown();
                        }
                    }
                };
                WorkerConfig config = WorkerConfig.builder().workerId("bench-survivor").concurrency(o.orphans)
                        .lease(lease).heartbeatInterval(heartbeat).staleCheckInterval(staleCheck).build();
                try (WorkerRuntime survivor = WorkerRuntime.builder(store, (job, ctx) -> TINY).config(config)
                        .documentSink(new NoopSink()).listener(l).start()) {
                    // kill at an arbitrary point of the victim's heartbeat and the survivor's stale-check cycles
                    Thread.sleep(500 + ThreadLocalRandom.current().nextLong(Math.max(1, staleCheck.toMillis())));
                    long tKill = System.nanoTime();
                    child.process().destroyForcibly();
                    if (!child.process().waitFor(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the child did not die within 30 s of destroyForcibly()");
                    }
                    int exit = child.process().exitValue();
                    check(exit == ChildJvm.SIGKILL_EXIT, "destroyForcibly() must send SIGKILL (exit value 137) but the "
                            + "child exited with " + exit);
                    check(!Files.exists(hookMarker), "a shutdown hook ran in the killed child: not a SIGKILL");
                    if (!allBack.await(lease.multipliedBy(3).plus(staleCheck.multipliedBy(3)).toMillis(),
                            TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("only " + reclaimedAt.size() + " of " + orphans.size()
                                + " orphans were claimed again");
                    }
                    long last = reclaimedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                    double s = (last - tKill) / 1e9;
                    log(String.format(Locale.ROOT, "recovery (lease %d ms, stale check %d ms): last of %d orphans "
                            + "claimed again %.2f s after SIGKILL", lease.toMillis(), staleCheck.toMillis(),
                            orphans.size(), s));
                    waitUntil(() -> survivor.completedCount() == orphans.size(), Duration.ofSeconds(30),
                            "the survivor completing the orphans");
                    return s;
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Inserts {@code n} PENDING no-op jobs with one SQL statement (setup, not measured). */
    static void insertJobs(BenchDatabase db, int n) {
        db.execute("INSERT INTO %s.extraction_queue (document_source, document_number)"
                + " SELECT 'bench', 'doc-' || g FROM generate_series(1, " + n + ") g",
                "VACUUM ANALYZE %s.extraction_queue");
    }

    static void waitUntil(java.util.function.BooleanSupplier condition, Duration max, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + max.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    private static String perSec(double v) {
        return String.format(Locale.ROOT, "%,.0f jobs/s", v);
    }

    private static String fmtList(List<Double> xs) {
        List<String> s = new ArrayList<>();
        for (double x : xs) {
            s.add(String.format(Locale.ROOT, "%.2f", x));
        }
        return String.join(", ", s);
    }

    private void log(String s) {
        System.out.println("[bench] " + s);
        System.out.flush();
    }

    String table(String machine) {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(machine).append("  \n");
        b.append("Date: ").append(LocalDate.now()).append("; load average at the end ").append(Machine.loadAverages())
                .append("  \n\n");
        b.append("| measurement | result | target | raw-SQL baseline (same run) | verdict | settings | load (1/5/15 min) and idle CPU before → load after |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append("| ").append(r.measurement).append(" | ").append(r.result).append(" | ").append(r.target)
                    .append(" | ").append(r.baseline).append(" | ").append(r.pass ? "PASS" : "**MISS**").append(" | ")
                    .append(r.settings).append(" | ").append(r.load).append(" |\n");
        }
        for (String n : notes) {
            b.append("\n").append(n);
        }
        return b.toString();
    }

    /** Command-line options. */
    static final class Options {
        int jobs = 100_000;
        List<int[]> settings = List.of(new int[] {64, 50, 0}, new int[] {128, 100, 0}, new int[] {256, 200, 0});
        int pool = 8;
        int finishBatch = PostgresJobStore.DEFAULT_FINISH_BATCH_SIZE;
        /** The drain's pool serves its store only (PostgresJobStore.Builder.dedicatedDataSource). */
        boolean dedicated = true;
        int warmupJobs = 30_000;
        int samples = 200;
        int defaultRuns = 1;
        int fastRuns = 3;
        int orphans = 20;
        int recoveryPrefetch;
        Set<String> only;
        Path out;
        boolean diagnostics;

        boolean wants(String part) {
            return only == null || only.contains(part);
        }

        static Options parse(String[] args) {
            Options o = new Options();
            Map<String, String> kv = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("usage: --name value ...; bad argument '" + a + "'");
                }
                kv.put(a.substring(2), args[++i]);
            }
            for (Map.Entry<String, String> e : kv.entrySet()) {
                String v = e.getValue();
                switch (e.getKey()) {
                    case "jobs" -> o.jobs = Integer.parseInt(v);
                    case "pool" -> o.pool = Integer.parseInt(v);
                    case "finish-batch" -> o.finishBatch = Integer.parseInt(v);
                    case "dedicated" -> o.dedicated = Boolean.parseBoolean(v);
                    case "warmup" -> o.warmupJobs = Integer.parseInt(v);
                    case "samples" -> o.samples = Integer.parseInt(v);
                    case "default-runs" -> o.defaultRuns = Integer.parseInt(v);
                    case "fast-runs" -> o.fastRuns = Integer.parseInt(v);
                    case "orphans" -> o.orphans = Integer.parseInt(v);
                    case "recovery-prefetch" -> o.recoveryPrefetch = Integer.parseInt(v);
                    case "out" -> o.out = Path.of(v);
                    case "diagnostics" -> o.diagnostics = Boolean.parseBoolean(v);
                    case "only" -> o.only = Set.of(v.split(","));
                    case "settings" -> {
                        List<int[]> s = new ArrayList<>();
                        for (String p : v.split(",")) {
                            String[] cb = p.split("x");
                            s.add(new int[] {Integer.parseInt(cb[0]), Integer.parseInt(cb[1]),
                                    cb.length > 2 ? Integer.parseInt(cb[2]) : 0});
                        }
                        o.settings = s;
                    }
                    default -> throw new IllegalArgumentException("unknown option --" + e.getKey());
                }
            }
            return o;
        }
    }

}
