package dev.docket.benchmarks;

import dev.docket.queue.Document;
import dev.docket.queue.Extractor;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresJobStore;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Child JVM of {@link SourceBenchmark}'s cap run: a {@link WorkerRuntime} over {@link PostgresJobStore} whose
 * extractor sleeps {@code workMs} per job. Arguments: {@code schema workerId concurrency claimBatch workMs};
 * database from the environment. Prints {@code STARTED} once running; stops when its standard input closes or
 * it is killed (the shutdown hook closes the runtime).
 */
public final class SourceChild {
    private SourceChild() {
    }

    public static void main(String[] args) throws Exception {
        String schema = args[0];
        long workMs = Long.parseLong(args[4]);
        WorkerConfig config = WorkerConfig.builder().workerId(args[1]).concurrency(Integer.parseInt(args[2]))
                .claimBatchSize(Integer.parseInt(args[3])).pollInterval(Duration.ofMillis(50)).build();
        BenchDatabase db = BenchDatabase.existing(BenchDatabase.Server.fromEnvironment(), schema);
        DataSource ds = db.pool("source-child", 4);
        PostgresJobStore store = PostgresJobStore.builder(ds).schema(schema).build();
        Extractor work = (job, context) -> {
            if (workMs > 0) {
                Thread.sleep(workMs);
            }
            return Document.of(new byte[] {1}, "text/plain");
        };
        WorkerRuntime runtime = WorkerRuntime.builder(store, work).config(config).documentSink(new NoopSink()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "bench-child-close"));
        System.out.println("STARTED " + runtime.workerId());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the parent closes our standard input
        }
        runtime.close();
        store.close();
        db.close();
    }
}
