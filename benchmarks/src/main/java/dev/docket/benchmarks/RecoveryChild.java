package dev.docket.benchmarks;

import dev.docket.queue.Document;
import dev.docket.queue.Extractor;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresJobStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;

/**
 * Child JVM of the recovery benchmark: a {@link WorkerRuntime} whose extractor blocks forever, so
 * every job it claims stays PROCESSING under its lease until the parent kills it with SIGKILL.
 *
 * <p>Arguments: {@code schema workerId concurrency leaseMs heartbeatMs staleCheckMs hookMarkerFile [prefetch]};
 * with a {@code prefetch} of P the worker runs {@code concurrency - P} slots and holds P more jobs claimed ahead;
 * database from the environment ({@link BenchDatabase.Server#fromEnvironment()}). Prints
 * {@code STARTED} once running; a shutdown hook creates {@code hookMarkerFile} (it must not exist
 * after a SIGKILL, which runs no hook).
 */
public final class RecoveryChild {
    private RecoveryChild() {
    }

    public static void main(String[] args) throws Exception {
        String schema = args[0];
        String workerId = args[1];
        int prefetch = args.length > 7 ? Integer.parseInt(args[7]) : 0;
        int concurrency = Integer.parseInt(args[2]) - prefetch;
        WorkerConfig config = WorkerConfig.builder()
                .workerId(workerId)
                .concurrency(concurrency)
                .prefetch(prefetch)
                // every orphan in one claim: with every slot busy the runtime claims again only once half of the
                // prefetched jobs are gone, which never happens here
                .claimBatchSize(Math.min(1000, Integer.parseInt(args[2])))
                .lease(Duration.ofMillis(Long.parseLong(args[3])))
                .heartbeatInterval(Duration.ofMillis(Long.parseLong(args[4])))
                .staleCheckInterval(Duration.ofMillis(Long.parseLong(args[5])))
                .jobTimeout(Duration.ofHours(1))
                .build();
        BenchDatabase db = BenchDatabase.existing(BenchDatabase.Server.fromEnvironment(), schema);
        DataSource ds = db.pool("recovery-child", 4);
        PostgresJobStore store = PostgresJobStore.builder(ds).schema(schema).build();
        CountDownLatch never = new CountDownLatch(1);
        Extractor blocking = (job, context) -> {
            never.await();
            return Document.of(new byte[] {1}, "text/plain");
        };
        java.nio.file.Path marker = java.nio.file.Path.of(args[6]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                java.nio.file.Files.writeString(marker, "shutdown hook ran\n");
            } catch (java.io.IOException e) {
                System.err.println("could not write " + marker + ": " + e);
            }
        }, "bench-hook"));
        WorkerRuntime runtime = WorkerRuntime.builder(store, blocking).config(config).documentSink(new NoopSink()).start();
        System.out.println("STARTED " + runtime.workerId());
        System.out.flush();
        never.await();
    }
}
