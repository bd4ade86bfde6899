package dev.docket.benchmarks.soak;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.benchmarks.BenchDatabase;
import dev.docket.queue.StoreException;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.testing.TcpProxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One soak worker process: a {@link WorkerRuntime} with the {@link ChaosExtractor}, connected to
 * PostgreSQL through the parent's {@link TcpProxy}. A shutdown hook closes the runtime (SIGTERM is a
 * graceful restart); SIGKILL and {@link Behaviour#HALT} are not graceful.
 *
 * <p>Arguments {@code key=value}: schema, worker, url, concurrency, leaseMs, heartbeatMs, staleMs,
 * timeoutMs, pollMs, graceMs, seed. Credentials come from the environment
 * ({@link BenchDatabase.Server#fromEnvironment()}). Prints {@code STARTED}, {@code CLOSING} and
 * {@code CLOSED} lines for the parent.
 */
public final class SoakWorker {
    private SoakWorker() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String schema = a.get("schema");
        String workerId = a.get("worker");
        Duration timeout = Duration.ofMillis(Long.parseLong(a.get("timeoutMs")));
        BenchDatabase.Server env = BenchDatabase.Server.fromEnvironment();
        BenchDatabase.Server viaProxy = new BenchDatabase.Server(a.get("url"), env.user(), env.password()).requireLoopback();
        BenchDatabase db = BenchDatabase.existing(viaProxy, schema);
        int concurrency = Integer.parseInt(a.get("concurrency"));
        // claim, finish, heartbeat, stale check, LISTEN, and the ledger writes of the slots
        HikariDataSource ds = db.pool("soak-" + workerId, Math.max(8, concurrency + 5), Duration.ofSeconds(5));
        PostgresJobStore store = openStore(ds, schema);
        WorkerConfig config = WorkerConfig.builder()
                .workerId(workerId)
                .concurrency(concurrency)
                .lease(Duration.ofMillis(Long.parseLong(a.get("leaseMs"))))
                .heartbeatInterval(Duration.ofMillis(Long.parseLong(a.get("heartbeatMs"))))
                .staleCheckInterval(Duration.ofMillis(Long.parseLong(a.get("staleMs"))))
                .pollInterval(Duration.ofMillis(Long.parseLong(a.get("pollMs"))))
                .jobTimeout(timeout)
                .shutdownGracePeriod(Duration.ofMillis(Long.parseLong(a.get("graceMs"))))
                .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .extractorRestartBackoff(Duration.ofMillis(200))
                .build();
        ChaosExtractor extractor = new ChaosExtractor(ds, db.quotedSchema(), Long.parseLong(a.get("seed")), timeout,
                workerId);
        WorkerRuntime runtime = WorkerRuntime.builder(store, extractor).config(config).documentSink(new HashingSink())
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("CLOSING " + workerId);
            System.out.flush();
            runtime.close();
            store.close();
            ds.close();
            System.out.println("CLOSED " + workerId + " completed=" + runtime.completedCount() + " failed="
                    + runtime.failedCount());
            System.out.flush();
            stopped.countDown();
        }, "soak-shutdown"));
        System.out.println("STARTED " + workerId + " pid " + ProcessHandle.current().pid());
        System.out.flush();
        stopped.await();
    }

    /** Opens the store, retrying while the database is unreachable (a worker may start during a cut). */
    private static PostgresJobStore openStore(HikariDataSource ds, String schema) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            try {
                return PostgresJobStore.builder(ds).schema(schema).build();
            } catch (StoreException e) {
                if (!e.isTransient() || System.nanoTime() > deadline) {
                    throw e;
                }
                System.out.println("store unreachable at start (" + e.getMessage() + "); retrying");
                Thread.sleep(500);
            }
        }
    }
}
