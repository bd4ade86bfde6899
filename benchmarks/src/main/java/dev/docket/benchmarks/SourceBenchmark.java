package dev.docket.benchmarks;

import dev.docket.queue.Document;
import dev.docket.queue.Extractor;
import dev.docket.queue.Job;
import dev.docket.queue.JobQueue;
import dev.docket.queue.NewJob;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresJobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Source flow control benchmarks (issue #13), over {@link PostgresJobStore} on the local PostgreSQL, each in a
 * fresh schema: drain with non-binding policies against none, a concurrency cap across 3 JVMs, a rate limit,
 * fair claiming under a backlog, and a registry outage ({@link SourceOutage}). Prints one Markdown table (also
 * to {@code --out FILE}); exit 1 when a target is missed.
 *
 * <pre>
 * --only drain,cap,rate,fairness,outage   (default all)
 * --drain-jobs N (default 50000)  --drain-rounds N (2)  --drain-warmup N (jobs / 2)  --drain-warmup-rounds N (1)  --cap-jobs N (10000)  --rate-seconds N (60)  --fairness-jobs N (100000)
 * --outage-minutes N (10)  --baseline-minutes N (2)  --out FILE
 * </pre>
 */
public final class SourceBenchmark {
    static final Document TINY = Document.of(new byte[] {'o', 'k'}, "text/plain");

    final List<QueueBenchmark.Row> rows = new ArrayList<>();
    final java.util.Map<String, String> opts = new java.util.HashMap<>();

    public static void main(String[] args) throws Exception {
        SourceBenchmark b = new SourceBenchmark();
        for (int i = 0; i + 1 < args.length; i += 2) {
            b.opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        System.exit(b.run() ? 0 : 1);
    }

    int opt(String name, int def) {
        return Integer.parseInt(opts.getOrDefault(name, Integer.toString(def)));
    }

    boolean wants(String what) {
        String only = opts.get("only");
        return only == null || List.of(only.split(",")).contains(what);
    }

    boolean run() throws Exception {
        String machine;
        try (BenchDatabase probe = BenchDatabase.fresh("docket_bench_probe")) {
            machine = Machine.describe(probe);
        }
        log("machine: " + machine + "; load " + Machine.loadAverages());
        if (wants("drain")) {
            drain(opt("drain-jobs", 50_000));
        }
        if (wants("cap")) {
            cap(opt("cap-jobs", 10_000));
        }
        if (wants("rate")) {
            rate(opt("rate-seconds", 60), null);
            rate(opt("rate-seconds", 60), Duration.ofMillis(50));
        }
        if (wants("fairness")) {
            fairness(opt("fairness-jobs", 100_000));
        }
        if (wants("outage")) {
            rows.add(new SourceOutage().run(opt("baseline-minutes", 2), opt("outage-minutes", 10)));
        }
        StringBuilder t = new StringBuilder("Machine: " + machine + "\n\n"
                + "| measurement | result | target | baseline | pass | settings | load before → after |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (QueueBenchmark.Row r : rows) {
            t.append("| ").append(String.join(" | ", r.measurement(), r.result(), r.target(), r.baseline(),
                    r.pass() ? "yes" : "**NO**", r.settings(), r.load())).append(" |\n");
        }
        System.out.println();
        System.out.println(t);
        if (opts.containsKey("out")) {
            Files.writeString(Path.of(opts.get("out")), t);
        }
        return rows.stream().allMatch(QueueBenchmark.Row::pass);
    }

    // ------------------------------------------------------------------ drain: non-binding policies vs none

    void drain(int jobs) throws Exception {
        String kind = System.getProperty("docket.bench.drainPolicy", "both"); // cap | rate | both: which part costs
        SourcePolicy.Builder b = SourcePolicy.builder();
        if (!kind.equals("rate")) {
            b.concurrency(SourcePolicy.MAX_CONCURRENCY);
        }
        if (!kind.equals("cap")) {
            b.rate(SourcePolicy.Rate.perSecond(SourcePolicy.Rate.MAX_PERMITS).withBurst(SourcePolicy.Rate.MAX_BURST));
        }
        SourcePolicy nonBinding = b.build();
        // JIT warm-up of both claim paths, not reported: the slow path (gated sources) is code of its own
        int warmup = opt("drain-warmup", jobs / 2);
        for (int i = 0; i < opt("drain-warmup-rounds", 1); i++) {
            drainOnce(warmup, null);
            drainOnce(warmup, nonBinding);
        }
        double none = 0;
        double policies = 0;
        String load = Machine.loadNow();
        int rounds = opt("drain-rounds", 2);
        double[] ratios = new double[rounds];
        for (int round = 0; round < rounds; round++) { // alternate, keep the best of each: load changes between runs
            double n = drainOnce(jobs, null);
            double p = drainOnce(jobs, nonBinding);
            none = Math.max(none, n);
            policies = Math.max(policies, p);
            ratios[round] = p / n;
        }
        double ratio = policies / none;
        double median = new Percentiles(ratios).p(50);
        rows.add(new QueueBenchmark.Row("no-op drain, 10 sources, each with a non-binding policy (cap "
                + SourcePolicy.MAX_CONCURRENCY + ", rate 1,000,000/s): " + jobs + " jobs",
                String.format(Locale.ROOT, "%.0f jobs/s = %.2f× the drain without policies (median of the rounds'"
                        + " ratios %.2f×)", policies, ratio, median),
                "≥ 0.8×", String.format(Locale.ROOT, "%.0f jobs/s without policies", none), ratio >= 0.8,
                "concurrency 64, claimBatchSize 50, pool 8; best of " + rounds + " alternating runs each", load + " → "
                        + Machine.loadAverages()));
    }

    double drainOnce(int jobs, SourcePolicy policy) throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_src_drain")) {
            db.execute("INSERT INTO %s.extraction_queue (document_source, document_number)"
                    + " SELECT 'source-' || (g % 10), 'doc-' || g FROM generate_series(1, " + jobs + ") g",
                    "VACUUM ANALYZE %s.extraction_queue");
            try (PostgresJobStore store = PostgresJobStore.builder(db.pool("drain", 8)).schema(db.schema())
                    .dedicatedDataSource(true).build()) {
                if (policy != null) {
                    for (int s = 0; s < 10; s++) {
                        JobQueue.of(store).setSourcePolicy("source-" + s, policy);
                    }
                }
                CountDownLatch all = new CountDownLatch(jobs);
                long t0 = System.nanoTime();
                try (WorkerRuntime rt = runtime(store, (job, ctx) -> TINY, 64, 50, "bench-drain", completed(all))) {
                    if (!all.await(10, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("drain did not finish: " + all.getCount() + " left");
                    }
                    double rate = jobs / ((System.nanoTime() - t0) / 1e9);
                    log(String.format(Locale.ROOT, "drain %s: %.0f jobs/s (load %s)", policy == null ? "no policies"
                            : "non-binding policies", rate, Machine.loadAverages()));
                    return rate;
                }
            }
        }
    }

    // ------------------------------------------------------------------ cap 4 across 3 JVMs

    void cap(int jobs) throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_src_cap")) {
            db.execute("CREATE TABLE %s.bench_inflight (at timestamptz NOT NULL DEFAULT clock_timestamp(), n int)",
                    "CREATE FUNCTION %s.bench_sample() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " INSERT INTO %s.bench_inflight (n) SELECT count(*) FROM %s.extraction_queue"
                            + " WHERE document_source = 'capped' AND status_id = 2; RETURN NULL; END $$",
                    "CREATE TRIGGER bench_sample AFTER UPDATE OF status_id ON %s.extraction_queue"
                            + " FOR EACH STATEMENT EXECUTE FUNCTION %s.bench_sample()",
                    "INSERT INTO %s.extraction_queue (document_source, document_number)"
                            + " SELECT 'capped', 'doc-' || g FROM generate_series(1, " + jobs + ") g");
            try (PostgresJobStore store = PostgresJobStore.builder(db.pool("cap", 2)).schema(db.schema()).build()) {
                JobQueue.of(store).setSourcePolicy("capped", SourcePolicy.builder().concurrency(4).build());
            }
            String load = Machine.loadNow();
            List<ChildJvm> children = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                children.add(ChildJvm.start("cap-" + i, SourceChild.class, List.of("-Xmx256m"),
                        List.of(db.schema(), "bench-cap-" + i, "8", "8", "2"), db.server().asEnvironment(), null, null));
            }
            try {
                QueueBenchmark.waitUntil(() -> db.queryLong("SELECT count(*) FROM %s.extraction_queue WHERE status_id = 3")
                        == jobs, Duration.ofMinutes(15), "the capped jobs to complete");
            } finally {
                for (ChildJvm c : children) {
                    c.process().getOutputStream().close();
                }
                for (ChildJvm c : children) {
                    if (!c.process().waitFor(30, TimeUnit.SECONDS)) {
                        c.process().destroyForcibly();
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long max = db.queryLong("SELECT max(n) FROM %s.bench_inflight");
            long samples = db.queryLong("SELECT count(*) FROM %s.bench_inflight");
            long atCap = db.queryLong("SELECT count(*) FROM %s.bench_inflight WHERE n = 4");
            rows.add(new QueueBenchmark.Row("concurrency cap 4 on one source, 3 runtimes in separate JVMs (8 slots"
                    + " each, pollInterval 50 ms), " + jobs + " jobs of 2 ms", "max in flight " + max + " (" + samples
                    + " trigger samples, " + atCap + " at 4); drained in " + String.format(Locale.ROOT, "%.1f s", secs),
                    "never > 4", "-", max <= 4 && max > 0, "statement trigger AFTER UPDATE OF status_id counts"
                            + " PROCESSING jobs of the source", load + " → " + Machine.loadAverages()));
        }
    }

    // ------------------------------------------------------------------ rate 20/s burst 5

    /** @param poll the runtime's pollInterval; null: the default (1 s) */
    void rate(int seconds, Duration poll) throws Exception {
        int permits = 20;
        int burst = 5;
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_src_rate")) {
            db.execute("INSERT INTO %s.extraction_queue (document_source, document_number)"
                    + " SELECT 'rated', 'doc-' || g FROM generate_series(1, " + (permits * seconds * 2) + ") g");
            try (PostgresJobStore store = PostgresJobStore.builder(db.pool("rate", 4)).schema(db.schema()).build()) {
                JobQueue.of(store).setSourcePolicy("rated", SourcePolicy.builder()
                        .rate(SourcePolicy.Rate.perSecond(permits).withBurst(burst)).build());
                List<Long> claims = java.util.Collections.synchronizedList(new ArrayList<>());
                WorkerListener onClaim = new WorkerListener() {
                    @Override
                    public void onClaimed(Job job) {
                        claims.add(System.nanoTime());
                    }
                };
                String load = Machine.loadNow();
                WorkerConfig.Builder cb = WorkerConfig.builder().concurrency(8).claimBatchSize(10).workerId("bench-rate");
                if (poll != null) {
                    cb.pollInterval(poll);
                }
                try (WorkerRuntime rt = WorkerRuntime.builder(store, (job, ctx) -> TINY).config(cb.build())
                        .documentSink(new NoopSink()).listener(onClaim).start()) {
                    QueueBenchmark.waitUntil(() -> !claims.isEmpty(), Duration.ofSeconds(30), "the first claim");
                    Thread.sleep(seconds * 1000L + 1500);
                }
                long first = claims.get(0);
                int[] perSecond = new int[seconds];
                int total = 0;
                for (long t : new ArrayList<>(claims)) {
                    int s = (int) ((t - first) / 1_000_000_000L);
                    if (s < seconds) {
                        perSecond[s]++;
                        total++;
                    }
                }
                double avg = (double) total / seconds;
                int max = java.util.Arrays.stream(perSecond).max().orElse(0);
                int min = java.util.Arrays.stream(perSecond).min().orElse(0);
                boolean ok = Math.abs(avg - permits) <= permits * 0.05 && max <= permits + burst;
                rows.add(new QueueBenchmark.Row("rate limit " + permits + "/s burst " + burst + " on one source, "
                        + seconds + " s", String.format(Locale.ROOT, "%.2f claims/s (%d claims); busiest second %d,"
                        + " quietest %d", avg, total, max, min), "within ±5% of " + permits + "; no second above "
                        + (permits + burst), "-", ok, "one runtime, 8 slots, claimBatchSize 10, pollInterval "
                        + (poll == null ? "1 s (default)" : poll.toMillis() + " ms") + "; claims timed by"
                        + " onClaimed, seconds counted from the first claim", load + " → " + Machine.loadAverages()));
            }
        }
    }

    // ------------------------------------------------------------------ fairness

    void fairness(int backlog) throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_src_fair")) {
            db.execute("INSERT INTO %s.extraction_queue (document_source, document_number)"
                    + " SELECT 'A', 'doc-' || g FROM generate_series(1, " + backlog + ") g",
                    "VACUUM ANALYZE %s.extraction_queue");
            try (PostgresJobStore store = PostgresJobStore.builder(db.pool("fair", 8)).schema(db.schema())
                    .dedicatedDataSource(true).build()) {
                AtomicLong aDone = new AtomicLong();
                AtomicLong bFirstStart = new AtomicLong();
                AtomicLong aAtLastB = new AtomicLong(-1);
                CountDownLatch bDone = new CountDownLatch(100);
                WorkerListener l = new WorkerListener() {
                    @Override
                    public void onStarted(Job job, Duration waited) {
                        if (job.documentSource().equals("B")) {
                            bFirstStart.compareAndSet(0, System.nanoTime());
                        }
                    }

                    @Override
                    public void onCompleted(Job job, StoredDocument document, Duration took) {
                        if (job.documentSource().equals("A")) {
                            aDone.incrementAndGet();
                        } else {
                            bDone.countDown();
                            if (bDone.getCount() == 0) {
                                aAtLastB.set(aDone.get());
                            }
                        }
                    }
                };
                String load = Machine.loadNow();
                try (WorkerRuntime rt = runtime(store, (job, ctx) -> TINY, 64, 50, "bench-fair", l)) {
                    QueueBenchmark.waitUntil(() -> aDone.get() >= 1000, Duration.ofMinutes(2), "A to be draining");
                    List<NewJob> b = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        b.add(NewJob.of("B", "b-" + i));
                    }
                    store.enqueueAll(b);
                    long enqueued = System.nanoTime();
                    long aAtEnqueue = aDone.get();
                    if (!bDone.await(2, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("B not done: " + bDone.getCount() + " left");
                    }
                    double firstMs = (bFirstStart.get() - enqueued) / 1e6;
                    long aDuring = aAtLastB.get() - aAtEnqueue;
                    boolean ok = firstMs <= 1000 && aAtLastB.get() < backlog / 10;
                    rows.add(new QueueBenchmark.Row("fairness: " + backlog + " pending of A, then 100 of B",
                            String.format(Locale.ROOT, "B's first job started %.0f ms after its enqueue; all of B done"
                                    + " when A had drained %d (%.1f%%; %d of them after B's enqueue)", firstMs,
                                    aAtLastB.get(), 100.0 * aAtLastB.get() / backlog, aDuring),
                            "first B within 1 s; all of B before A drained 10%", "-", ok,
                            "one runtime, 64 slots, claimBatchSize 50; B enqueued once 1,000 of A were done",
                            load + " → " + Machine.loadAverages()));
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    static WorkerRuntime runtime(PostgresJobStore store, Extractor e, int concurrency, int batch, String id,
            WorkerListener listener) {
        WorkerConfig config = WorkerConfig.builder().concurrency(concurrency).claimBatchSize(batch).workerId(id).build();
        return WorkerRuntime.builder(store, e).config(config).documentSink(new NoopSink()).listener(listener).start();
    }

    static WorkerListener completed(CountDownLatch latch) {
        return new WorkerListener() {
            @Override
            public void onCompleted(Job job, StoredDocument document, Duration took) {
                latch.countDown();
            }
        };
    }

    static void log(String s) {
        System.out.println("[" + java.time.LocalTime.now().withNano(0) + "] " + s);
        System.out.flush();
    }
}
