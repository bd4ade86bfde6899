package dev.docket.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.NewJob;
import dev.docket.queue.jdbc.PostgresJobStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shared peer harness's enqueue rows (issue #14), reproduced from the project alone: one
 * {@code enqueueAll} of N jobs (payload {@code {"n":i}}) from a cold JVM into a freshly migrated schema,
 * beside a raw JDBC batch of the same N INSERTs in one commit (the harness's {@code RawSqlBench} table and
 * statement: default pgjdbc, no {@code reWriteBatchedInserts}). Each measurement runs in a JVM of its own,
 * the two kinds alternating, after a CHECKPOINT; only the one call is timed (the jobs are built before).
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.docket.benchmarks.BulkEnqueueBenchmark [N] [rounds]
 * </pre>
 *
 * Defaults: N = 20000, 3 rounds. Prints each run and the medians; the PostgreSQL server comes from
 * {@code DOCKET_BENCH_URL}/{@code PGHOST} as in the other benchmarks.
 */
public final class BulkEnqueueBenchmark {

    private BulkEnqueueBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("--child")) {
            child(args[1], Integer.parseInt(args[2]));
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.println("bulk enqueue of " + n + " jobs, cold JVM per run, " + rounds + " interleaved rounds; "
                + Machine.nproc() + " cores, load " + Machine.loadAverages());
        List<Double> docket = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            raw.add(run("raw", n));
            docket.add(run("docket", n));
        }
        double d = Percentiles.median(docket);
        double w = Percentiles.median(raw);
        System.out.printf(Locale.ROOT, "raw JDBC batch:     median %,.0f jobs/s %s%n", w, raw);
        System.out.printf(Locale.ROOT, "Docket enqueueAll:  median %,.0f jobs/s %s%n", d, docket);
        System.out.printf(Locale.ROOT, "Docket / raw: %.2f (goal >= 0.6); load %s%n", d / w, Machine.loadAverages());
    }

    private static double run(String kind, int n) throws Exception {
        double rate = ChildJvm.runForResult(kind, BulkEnqueueBenchmark.class, List.of("-Xmx2g"),
                List.of("--child", kind, Integer.toString(n)));
        System.out.printf(Locale.ROOT, "  %-7s %,.0f jobs/s%n", kind, rate);
        return rate;
    }

    private static void child(String kind, int n) throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_bulk")) {
            HikariDataSource ds = db.pool("bulk", 2);
            double rate;
            if (kind.equals("docket")) {
                try (PostgresJobStore store = PostgresJobStore.builder(ds).schema(db.schema()).build()) {
                    List<NewJob> jobs = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        jobs.add(NewJob.builder("bench", "doc-" + i).payload("{\"n\":" + i + "}").build());
                    }
                    db.execute("CHECKPOINT");
                    long t0 = System.nanoTime();
                    int enqueued = store.enqueueAll(jobs).size(); // one call, one statement
                    rate = n / ((System.nanoTime() - t0) / 1e9);
                    check(enqueued == n && db.queryLong("SELECT count(*) FROM %s.extraction_queue") == n, kind, n);
                }
            } else {
                db.execute("CREATE TABLE %s.jobs (id bigserial PRIMARY KEY, status smallint NOT NULL, worker_id text,"
                        + " locked_at timestamptz, payload text, attempts int NOT NULL DEFAULT 0)",
                        "CREATE INDEX ON %s.jobs (id) WHERE status = 1", "CHECKPOINT");
                long t0 = System.nanoTime();
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + db.quotedSchema() + ".jobs (status, payload, attempts) VALUES (1, ?, 0)")) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < n; i++) {
                        ps.setString(1, "{\"n\":" + i + "}");
                        ps.addBatch();
                    }
                    ps.executeBatch(); // one JDBC batch, one transaction
                    c.commit();
                    c.setAutoCommit(true);
                }
                rate = n / ((System.nanoTime() - t0) / 1e9);
                check(db.queryLong("SELECT count(*) FROM %s.jobs") == n, kind, n);
            }
            System.out.println(ChildJvm.RESULT + rate);
        }
    }

    private static void check(boolean ok, String kind, int n) {
        if (!ok) {
            throw new IllegalStateException(kind + ": expected " + n + " rows");
        }
    }
}
