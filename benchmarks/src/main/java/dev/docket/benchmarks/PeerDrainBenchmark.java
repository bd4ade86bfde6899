package dev.docket.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.Document;
import dev.docket.queue.Extractor;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresJobStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared peer harness's drain rows (issue #14), reproduced from the project alone: each measurement in a JVM of
 * its own and a freshly created database (a migrated schema in it for Docket), a CHECKPOINT, N no-op jobs enqueued
 * in one call, then the drain timed from {@code WorkerRuntime.start()} until every job is COMPLETED in the table
 * (polled every 2 ms on a pooled connection, as the harness does).
 * The kinds, alternating within each round:
 * <ul>
 *   <li>{@code raw}: 4 threads, each claiming 50 jobs per statement ({@code UPDATE ... WHERE id IN (SELECT ... FOR
 *       UPDATE SKIP LOCKED) RETURNING id}, the {@code LIMIT} bound as in the harness) and completing them with a second statement ({@code id = ANY(?)});</li>
 *   <li>{@code s10}: {@code concurrency(10)}, other settings default, pool 5;</li>
 *   <li>{@code default}: {@code WorkerConfig} defaults (20 slots, claim 100, prefetch auto), pool 5;</li>
 *   <li>{@code s1000}: 1000 slots, claim 500, pool 8.</li>
 * </ul>
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.docket.benchmarks.PeerDrainBenchmark [N] [rounds] [kind,...]
 * </pre>
 *
 * Defaults: N = 20000, 3 rounds, every kind. Prints each run, the medians and each Docket kind over the raw loop.
 * The shared harness ({@code ../shared/bench/peers/run.sh}) stays the referee: it also runs db-scheduler and JobRunr,
 * and its databases are created fresh per measurement where this uses a fresh schema.
 */
public final class PeerDrainBenchmark {
    private static final List<String> KINDS = List.of("raw", "s10", "default", "s1000");
    private static final long DRAIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(240);
    private static final Document DOC = Document.of(new byte[] {'x'}, "text/plain");

    private PeerDrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("--child")) {
            child(args[1], Integer.parseInt(args[2]));
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> kinds = args.length > 2 ? List.of(args[2].split(",")) : KINDS;
        for (String k : kinds) {
            if (!KINDS.contains(k)) {
                throw new IllegalArgumentException("kind must be one of " + KINDS + " but was '" + k + "'");
            }
        }
        System.out.println("drain of " + n + " no-op jobs, cold JVM and fresh database per run, " + rounds
                + " interleaved rounds; " + Machine.nproc() + " cores, load " + Machine.loadAverages());
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (String k : kinds) {
                rates.computeIfAbsent(k, x -> new ArrayList<>()).add(run(k, n));
            }
        }
        Double raw = rates.containsKey("raw") ? Percentiles.median(rates.get("raw")) : null;
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            double m = Percentiles.median(e.getValue());
            System.out.printf(Locale.ROOT, "%-8s median %,8.0f jobs/s %s%s%n", e.getKey(), m, e.getValue(),
                    raw == null || e.getKey().equals("raw") ? "" : String.format(Locale.ROOT, " = %.2fx raw", m / raw));
        }
        System.out.println("load " + Machine.loadAverages());
    }

    private static double run(String kind, int n) throws Exception {
        double idle = Machine.idlePercent(1000);
        double rate = ChildJvm.runForResult(kind, PeerDrainBenchmark.class,
                List.of("-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                List.of("--child", kind, Integer.toString(n)));
        System.out.printf(Locale.ROOT, "  %-8s %,8.0f jobs/s (idle %.0f %% before)%n", kind, rate, idle);
        return rate;
    }

    private static void child(String kind, int n) throws Exception {
        // a freshly created database per run, as the harness does: in a database that tests and benchmarks have used
        // for a while (bloated catalogs), the same raw loop measured at about half the speed
        BenchDatabase.Server home = BenchDatabase.Server.fromEnvironment();
        String name = "docket_bench_peer_" + ProcessHandle.current().pid();
        Matcher m = Pattern.compile("(jdbc:postgresql://[^/]+/)[^?]*(.*)").matcher(home.url());
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot tell the database in the JDBC URL " + home.masked());
        }
        BenchDatabase.Server server = new BenchDatabase.Server(m.group(1) + name + m.group(2), home.user(),
                home.password());
        adminExec(home, "CREATE DATABASE " + name);
        try {
            if (kind.equals("raw")) {
                try (BenchDatabase db = BenchDatabase.existing(server, "public")) {
                    HikariDataSource ds = db.pool("peer", 5);
                    openAll(ds, 5);
                    System.out.println(ChildJvm.RESULT + raw(db, ds, n));
                }
            } else {
                try (BenchDatabase db = BenchDatabase.fresh(server, "docket_bench_peer")) {
                    int size = kind.equals("s1000") ? 8 : 5;
                    HikariDataSource ds = db.pool("peer", size);
                    openAll(ds, size);
                    System.out.println(ChildJvm.RESULT + docket(db, ds, kind, n));
                }
            }
        } finally {
            adminExec(home, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static void adminExec(BenchDatabase.Server server, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(server.url(), server.properties());
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static double docket(BenchDatabase db, HikariDataSource ds, String kind, int n) throws Exception {
        WorkerConfig.Builder cb = WorkerConfig.builder();
        if (kind.equals("s10")) {
            cb.concurrency(10);
        } else if (kind.equals("s1000")) {
            cb.concurrency(1000).claimBatchSize(500);
        }
        AtomicInteger executed = new AtomicInteger();
        Extractor noop = (job, ctx) -> {
            executed.incrementAndGet();
            return DOC;
        };
        try (PostgresJobStore store = PostgresJobStore.builder(ds).schema(db.schema()).build()) {
            List<NewJob> jobs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                jobs.add(NewJob.builder("bench", "doc-" + i).payload("{\"n\":" + i + "}").build());
            }
            db.execute("CHECKPOINT"); // before the insert, as the harness: the drain then writes no full-page images
            store.enqueueAll(jobs);
            long t0 = System.nanoTime();
            WorkerRuntime runtime = WorkerRuntime.builder(store, noop).config(cb.build()).documentSink(new NoopSink())
                    .start();
            long completed = awaitCompleted(ds, "SELECT count(*) FROM " + db.quotedSchema()
                    + ".extraction_queue WHERE status_id = 3", n, t0);
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            runtime.close();
            check(completed == n && executed.get() == n && runtime.failedCount() == 0
                    && db.queryLong("SELECT count(*) FROM %s.extraction_queue WHERE attempts = 1") == n, kind, n);
            return rate;
        }
    }

    private static double raw(BenchDatabase db, HikariDataSource ds, int n) throws Exception {
        String t = db.quotedSchema() + ".jobs";
        db.execute("CREATE TABLE %s.jobs (id bigserial PRIMARY KEY, status smallint NOT NULL, worker_id text,"
                + " locked_at timestamptz, payload text, attempts int NOT NULL DEFAULT 0)",
                "CREATE INDEX ON %s.jobs (id) WHERE status = 1", "CHECKPOINT");
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + t + " (status, payload, attempts) VALUES (1, ?, 0)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < n; i++) {
                ps.setString(1, "{\"n\":" + i + "}");
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
            c.setAutoCommit(true);
        }
        String claimSql = "UPDATE " + t + " SET status = 2, worker_id = ?, locked_at = now(), attempts = attempts + 1"
                + " WHERE id IN (SELECT id FROM " + t + " WHERE status = 1 ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " RETURNING id";
        String completeSql = "UPDATE " + t + " SET status = 3 WHERE id = ANY(?)";
        long t0 = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String worker = "w" + w;
                loops.add(threads.submit(() -> {
                    try (Connection c = ds.getConnection(); PreparedStatement claim = c.prepareStatement(claimSql);
                            PreparedStatement complete = c.prepareStatement(completeSql)) {
                        while (System.nanoTime() - t0 < DRAIN_LIMIT_NANOS) {
                            claim.setString(1, worker);
                            claim.setInt(2, 50);
                            List<Long> ids = new ArrayList<>(50);
                            try (ResultSet rs = claim.executeQuery()) {
                                while (rs.next()) {
                                    ids.add(rs.getLong(1));
                                }
                            }
                            if (ids.isEmpty()) {
                                return null;
                            }
                            complete.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                            complete.executeUpdate();
                        }
                        return null;
                    }
                }));
            }
            for (Future<?> f : loops) {
                f.get(DRAIN_LIMIT_NANOS + TimeUnit.SECONDS.toNanos(10), TimeUnit.NANOSECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        check(db.queryLong("SELECT count(*) FROM %s.jobs WHERE status = 3 AND attempts = 1") == n, "raw", n);
        return rate;
    }

    /**
     * Opens every connection of the pool before the timed part, as the harness's pools do ({@code minimumIdle =
     * maximumPoolSize}): otherwise the drain's first claims wait for the pool to grow.
     */
    private static void openAll(HikariDataSource ds, int size) throws Exception {
        List<Connection> held = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                held.add(ds.getConnection());
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    /** Polls the count every 2 ms on a pooled connection (a new connection per poll would fork a backend each time). */
    private static long awaitCompleted(HikariDataSource ds, String sql, long n, long t0) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement count = c.prepareStatement(sql)) {
            while (true) {
                long done;
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    done = rs.getLong(1);
                }
                if (done == n || System.nanoTime() - t0 >= DRAIN_LIMIT_NANOS) {
                    return done;
                }
                Thread.sleep(2);
            }
        }
    }

    private static void check(boolean ok, String kind, int n) {
        if (!ok) {
            throw new IllegalStateException(kind + ": expected all " + n + " jobs completed once");
        }
    }

}
