package dev.docket.benchmarks;

import dev.docket.queue.ExtractionException;
import dev.docket.queue.Extractor;
import dev.docket.queue.Job;
import dev.docket.queue.JobQueue;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresJobStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link SourceBenchmark}'s outage run: 2 runtimes × 8 slots over one schema; source {@code down} (rate 5/s,
 * breaker 5 failures, cool-down 15 s to 2 min) and three healthy sources (20 ms per job). A baseline phase,
 * then the simulated registry of {@code down} fails every call (50 ms, then a transient "connection refused")
 * for the outage; then it is back and the run waits for the circuit to close. Reports the calls to the down
 * registry per minute of the outage, the attempts spent, FAILED jobs, and the healthy sources' throughput
 * during the outage against the baseline.
 */
final class SourceOutage {
    static final String DOWN = "down";
    static final long UP_WORK_MS = 20;
    static final long DOWN_WORK_MS = 20;
    static final long FAIL_AFTER_MS = 50;

    private final AtomicBoolean registryDown = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Long> downCalls = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> upCompletions = new ConcurrentLinkedQueue<>();

    SourceOutage() {
    }

    QueueBenchmark.Row run(int baselineMinutes, int outageMinutes) throws Exception {
        SourcePolicy downPolicy = SourcePolicy.builder().rate(SourcePolicy.Rate.perSecond(5).withBurst(5))
                .breaker(5, Duration.ofSeconds(15), Duration.ofMinutes(2)).build();
        int minutes = baselineMinutes + outageMinutes + 4;
        long upJobs = 900L * 60 * minutes;
        long downJobs = 5L * 60 * minutes;
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_src_outage")) {
            db.execute("INSERT INTO %s.extraction_queue (document_source, document_number)"
                    + " SELECT 'up-' || (g % 3), 'doc-' || g FROM generate_series(1, " + upJobs + ") g",
                    "INSERT INTO %s.extraction_queue (document_source, document_number)"
                            + " SELECT 'down', 'doc-' || g FROM generate_series(1, " + downJobs + ") g",
                    "VACUUM ANALYZE %s.extraction_queue");
            Extractor registry = (job, ctx) -> {
                boolean down = job.documentSource().equals(DOWN);
                if (down && registryDown.get()) {
                    downCalls.add(System.nanoTime());
                    Thread.sleep(FAIL_AFTER_MS);
                    throw ExtractionException.transientFailure("connection refused (simulated outage)", null);
                }
                Thread.sleep(down ? DOWN_WORK_MS : UP_WORK_MS);
                return SourceBenchmark.TINY;
            };
            WorkerListener count = new WorkerListener() {
                @Override
                public void onCompleted(Job job, StoredDocument document, Duration took) {
                    if (!job.documentSource().equals(DOWN)) {
                        upCompletions.add(System.nanoTime());
                    }
                }
            };
            List<PostgresJobStore> stores = new ArrayList<>();
            List<WorkerRuntime> runtimes = new ArrayList<>();
            String load = Machine.loadNow();
            try {
                for (int i = 0; i < 2; i++) {
                    stores.add(PostgresJobStore.builder(db.pool("outage-" + i, 4)).schema(db.schema()).build());
                }
                JobQueue queue = JobQueue.of(stores.get(0));
                queue.setSourcePolicy(DOWN, downPolicy);
                for (int i = 0; i < 2; i++) {
                    runtimes.add(SourceBenchmark.runtime(stores.get(i), registry, 8, 8, "bench-outage-" + i, count));
                }
                Thread.sleep(15_000); // warm-up, not measured
                long b0 = System.nanoTime();
                Thread.sleep(baselineMinutes * 60_000L);
                long o0 = System.nanoTime();
                registryDown.set(true);
                SourceBenchmark.log("registry of '" + DOWN + "' down for " + outageMinutes + " min");
                Thread.sleep(outageMinutes * 60_000L);
                long o1 = System.nanoTime();
                registryDown.set(false);
                SourceBenchmark.log("registry of '" + DOWN + "' back; waiting for its circuit to close");
                long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
                while (queue.source(DOWN).orElseThrow().state() != SourceStatus.State.CLOSED
                        && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                double closedAfter = (System.nanoTime() - o1) / 1e9;
                Thread.sleep(5_000);
                double base = between(upCompletions, b0, o0);
                double during = between(upCompletions, o0, o1);
                List<Long> calls = new ArrayList<>(downCalls);
                int[] perMinute = new int[outageMinutes];
                for (long t : calls) {
                    int m = (int) ((t - o0) / 60_000_000_000L);
                    if (m >= 0 && m < outageMinutes) {
                        perMinute[m]++;
                    }
                }
                int afterFirstMinute = 0;
                for (int m = 1; m < outageMinutes; m++) {
                    afterFirstMinute += perMinute[m];
                }
                for (WorkerRuntime r : runtimes) {
                    r.close();
                }
                runtimes.clear();
                long failed = db.queryLong("SELECT count(*) FROM %s.extraction_queue WHERE status_id = 4");
                // attempts spent on failures: every attempt counted on the source's jobs but the successful ones
                long spent = db.queryLong("SELECT coalesce(sum(attempts), 0) - count(*) FILTER (WHERE status_id = 3)"
                        + " FROM %s.extraction_queue WHERE document_source = 'down'");
                long completedDown = db.queryLong("SELECT count(*) FROM %s.extraction_queue"
                        + " WHERE document_source = 'down' AND status_id = 3");
                double ratio = during / base;
                boolean ok = failed == 0 && ratio >= 0.9 && closedAfter < 240;
                String perMin = java.util.Arrays.toString(perMinute);
                SourceBenchmark.log("outage: calls per minute " + perMin + ", up " + base + " → " + during + " jobs/s");
                return new QueueBenchmark.Row("registry outage " + outageMinutes + " min on one source of 4, 2 runtimes"
                        + " × 8 slots", String.format(Locale.ROOT, "calls to the down registry per minute of the"
                        + " outage %s (%d after the first minute: %.1f/min); attempts spent on failed calls %d;"
                        + " %d FAILED; %d of its jobs completed; circuit closed %.0f s after the registry came back;"
                        + " other sources %.0f jobs/s during the outage = %.2f× without", perMin,
                        afterFirstMinute, outageMinutes > 1 ? afterFirstMinute / (outageMinutes - 1.0) : 0.0, spent,
                        failed, completedDown, closedAfter, during, ratio),
                        "at most one probe per cool-down per fleet; 0 FAILED; others ≥ 0.9×",
                        String.format(Locale.ROOT, "%.0f jobs/s of the other sources over a %d min baseline", base,
                                baselineMinutes), ok, "source 'down': rate 5/s burst 5, breaker 5 failures, cool-down"
                                + " 15 s to 2 min; failing call 50 ms, job 20 ms; default retry policy",
                        load + " → " + Machine.loadAverages());
            } finally {
                for (WorkerRuntime r : runtimes) {
                    r.close();
                }
                for (PostgresJobStore s : stores) {
                    s.close();
                }
            }
        }
    }

    /** Events per second in [from, to). */
    private static double between(ConcurrentLinkedQueue<Long> times, long from, long to) {
        long n = times.stream().filter(t -> t >= from && t < to).count();
        return n / ((to - from) / 1e9);
    }
}
