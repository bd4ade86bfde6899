package dev.docket.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.Document;
import dev.docket.queue.Extractor;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.web.DocketDashboard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard on a big table during a drain: {@code --jobs} (default 1,000,000) finished jobs over the last day
 * (1 % FAILED), a feeder enqueueing {@code --rate} jobs/s and a no-op {@code WorkerRuntime} draining them.
 * Measures (1) the PostgreSQL CPU of the dashboard's backends at one overview refresh per second, as a share of
 * the drain's backends, against the same drain without the dashboard; (2) the p95 time of 100 overview requests
 * (each computed afresh: spaced beyond the dashboard's cache) and 100 first pages of the job list, measured at
 * a client on the same machine (server time plus a loopback round trip).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.docket.benchmarks.DashboardBenchmark [--jobs 1000000]
 *     [--rate 500] [--seconds 30] [--requests 100]
 * </pre>
 */
public final class DashboardBenchmark {
    private static final Document TINY = Document.of("ok".getBytes(StandardCharsets.US_ASCII), "text/plain");
    private int jobs = 1_000_000;
    private int rate = 500;
    private int seconds = 30;
    private int requests = 100;

    private DashboardBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        DashboardBenchmark b = new DashboardBenchmark();
        for (int i = 0; i + 1 < args.length; i += 2) {
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--jobs" -> b.jobs = v;
                case "--rate" -> b.rate = v;
                case "--seconds" -> b.seconds = v;
                case "--requests" -> b.requests = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        b.run();
    }

    private static void log(String s) {
        System.out.println(s);
    }

    void run() throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_dash")) {
            log("machine: " + Machine.describe(db));
            long t0 = System.nanoTime();
            db.execute("INSERT INTO %s.extraction_queue (status_id, document_source, document_number, created_at,"
                    + " updated_at, attempts, processing_started_at, completed_at, worker_id, result, last_error)"
                    + " SELECT CASE WHEN g % 100 = 0 THEN 4 ELSE 3 END, 'registry-' || (g % 5), 'DOC-' || g, t, t, 1, t, t,"
                    + " 'w-old', CASE WHEN g % 100 = 0 THEN NULL ELSE '{\"pages\": 1}'::jsonb END,"
                    + " CASE WHEN g % 100 = 0 THEN 'registry timed out' END"
                    + " FROM (SELECT g, now() - (" + jobs + " - g) * (interval '86000 seconds' / " + jobs + ") AS t"
                    + " FROM generate_series(1, " + jobs + ") g) s",
                    "VACUUM ANALYZE %s.extraction_queue");
            log(String.format(Locale.ROOT, "filled %d finished jobs in %.1f s", jobs, (System.nanoTime() - t0) / 1e9));
            HikariDataSource drainPool = db.pool("drain", 10);
            HikariDataSource dashPool = db.pool("dash", 4);
            ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
            try (PostgresJobStore store = PostgresJobStore.builder(drainPool).schema(db.schema()).build()) {
                feeder.scheduleAtFixedRate(() -> {
                    List<NewJob> batch = new ArrayList<>();
                    for (int i = 0; i < Math.max(1, rate / 10); i++) {
                        batch.add(NewJob.of("registry-1", "NEW-" + System.nanoTime() + "-" + i));
                    }
                    store.enqueueAll(batch);
                }, 0, 100, TimeUnit.MILLISECONDS);
                Extractor noop = (job, context) -> TINY;
                WorkerConfig config = WorkerConfig.builder().concurrency(8).workerId("bench-drain").build();
                try (WorkerRuntime runtime = WorkerRuntime.builder(store, noop).config(config)
                        .documentSink(new NoopSink()).start()) {
                    Thread.sleep(5_000); // warm up
                    double[] alone = window(db, null);
                    log(String.format(Locale.ROOT, "drain alone, %d s: drain backends %.2f CPU s", seconds, alone[0]));
                    try (DocketDashboard dashboard = DocketDashboard.builder(dashPool).schema(db.schema()).port(0)
                            .refresh(Duration.ofSeconds(1)).start()) {
                        HttpClient http = HttpClient.newHttpClient();
                        warmUp(http, dashboard.url().resolve("/"));
                        boolean statements = resetStatements(db);
                        double[] with = window(db, () -> get(http, dashboard.url().resolve("/api/overview")));
                        log(String.format(Locale.ROOT, "drain + 1 overview refresh/s, %d s: drain backends %.2f CPU s,"
                                + " dashboard backends %.2f CPU s = %.1f %% of the drain's", seconds, with[0], with[1],
                                100 * with[1] / with[0]));
                        if (statements) {
                            printStatements(db);
                        }
                        double recount = recountSeconds(db);
                        double share = (recount / 300) / (with[0] / seconds);
                        log(String.format(Locale.ROOT, "recount of the finished jobs (every 5 minutes, not in the window):"
                                + " %.0f ms of one backend = %.1f %% of the drain's CPU spread over 5 minutes;"
                                + " dashboard in all %.1f %%", recount * 1000, 100 * share,
                                100 * with[1] / with[0] + 100 * share));
                        time(http, dashboard.url().resolve("/"), 600, "overview (/, uncached, during the drain)");
                        time(http, dashboard.url().resolve("/jobs"), 0, "first page of /jobs (50 rows)");
                        time(http, dashboard.url().resolve("/jobs?status=FAILED"), 0, "first page of /jobs?status=FAILED");
                        time(http, dashboard.url().resolve("/api/overview?range=day"), 600,
                                "overview JSON with the day chart (1440 minutes)");
                    }
                } finally {
                    feeder.shutdownNow();
                }
            }
            log("load " + Machine.loadAverages());
        }
    }

    /** Drain backend CPU and dashboard backend CPU over {@link #seconds}, calling {@code tick} once a second. */
    private double[] window(BenchDatabase db, Runnable tick) throws InterruptedException {
        Map<Integer, Double> d0 = Machine.backendCpu(db, "drain");
        Map<Integer, Double> w0 = Machine.backendCpu(db, "dash");
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            long next = System.nanoTime() + 1_000_000_000L;
            if (tick != null) {
                tick.run();
            }
            long wait = (next - System.nanoTime()) / 1_000_000;
            if (wait > 0) {
                Thread.sleep(wait);
            }
        }
        return new double[] {Machine.backendCpuSince(d0, Machine.backendCpu(db, "drain")),
            Machine.backendCpuSince(w0, Machine.backendCpu(db, "dash"))};
    }

    /**
     * Resets pg_stat_statements when the server has it loaded ({@code shared_preload_libraries}), so that the
     * window's statements can be listed by their database time afterwards; false when it is not there.
     */
    private static boolean resetStatements(BenchDatabase db) {
        try {
            db.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", "SELECT pg_stat_statements_reset()");
            return true;
        } catch (RuntimeException e) {
            log("pg_stat_statements not loaded (shared_preload_libraries): no per-statement breakdown");
            return false;
        }
    }

    /** The window's 15 costliest statements (planning plus execution time, both pools). */
    private static void printStatements(BenchDatabase db) throws java.sql.SQLException {
        log("statements by database time over the window (ms total, calls, ms per call, query):");
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT total_plan_time + total_exec_time, calls,"
                        + " regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements"
                        + " ORDER BY 1 DESC LIMIT 15")) {
            while (rs.next()) {
                double ms = rs.getDouble(1);
                long calls = rs.getLong(2);
                String q = rs.getString(3);
                log(String.format(Locale.ROOT, "  %9.1f %7d %8.3f  %s", ms, calls, calls == 0 ? 0 : ms / calls,
                        q.length() > 220 ? q.substring(0, 220) + "..." : q));
            }
        }
    }

    /**
     * The server time of the dashboard's periodic recount of the finished jobs (QueueTotals' statement, without
     * parallel workers so that one backend's time is all of it), which a 30 s window rarely contains.
     */
    private static double recountSeconds(BenchDatabase db) throws java.sql.SQLException {
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("SET max_parallel_workers_per_gather = 0");
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                try (java.sql.ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) SELECT status_id, count(*)"
                        + " FROM " + db.quotedSchema() + ".extraction_queue WHERE status_id IN (3, 4, 5)"
                        + " AND (completed_at < now() OR completed_at IS NULL) GROUP BY status_id")) {
                    rs.next();
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"Execution Time\": ([0-9.]+)")
                            .matcher(rs.getString(1));
                    if (m.find()) {
                        best = Math.min(best, Double.parseDouble(m.group(1)) / 1000);
                    }
                }
            }
            return best;
        }
    }

    /** Times {@link #requests} GETs of {@code uri}, {@code spacingMs} apart, and prints the percentiles. */
    private void time(HttpClient http, URI uri, long spacingMs, String what) throws InterruptedException {
        Percentiles p = times(http, uri, spacingMs);
        log(what + ": " + p.summary("ms") + ", p95 " + Percentiles.fmt(p.p(95)) + " ms");
    }

    private Percentiles times(HttpClient http, URI uri, long spacingMs) throws InterruptedException {
        double[] ms = new double[requests];
        for (int i = 0; i < requests; i++) {
            long t = System.nanoTime();
            get(http, uri);
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (spacingMs > 0) {
                Thread.sleep(spacingMs);
            }
        }
        return new Percentiles(ms);
    }

    /**
     * The first request (connections, JIT, the full count of the finished jobs), tried up to 5 times: on a loaded
     * machine that count can pass the dashboard's 5 s statement timeout (a 503), and the next request counts again.
     */
    private static void warmUp(HttpClient http, URI uri) {
        for (int attempt = 1; ; attempt++) {
            try {
                get(http, uri);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 5) {
                    throw e;
                }
                log("warm-up request " + attempt + " failed, again: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    private static void get(HttpClient http, URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
