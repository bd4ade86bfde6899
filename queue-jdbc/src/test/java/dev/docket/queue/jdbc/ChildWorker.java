package dev.docket.queue.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.Document;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process for crash tests: claims jobs from a schema and blocks on every one of them, so a
 * test can kill it with SIGKILL while it holds jobs. Args: jdbcUrl user password schema workerId
 * concurrency leaseMillis.
 */
public final class ChildWorker {
    private ChildWorker() {
    }

    public static void main(String[] args) throws Exception {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        pool.setPassword(args[2]);
        pool.setMaximumPoolSize(4);
        HikariDataSource ds = new HikariDataSource(pool);
        PostgresJobStore store = PostgresJobStore.builder(ds).schema(args[3]).build();
        Duration lease = Duration.ofMillis(Long.parseLong(args[6]));
        WorkerRuntime runtime = WorkerRuntime.builder(store, (job, ctx) -> {
            new CountDownLatch(1).await(); // hold the job until killed
            return Document.of(new byte[] {1}, "application/octet-stream");
        }).config(WorkerConfig.builder()
                .workerId(args[4])
                .concurrency(Integer.parseInt(args[5]))
                .lease(lease)
                .heartbeatInterval(lease.dividedBy(4))
                .pollInterval(Duration.ofMillis(50))
                .build())
                .documentSink(new dev.docket.queue.DocumentSink() {
                    @Override
                    public dev.docket.queue.StoredDocument store(dev.docket.queue.Job job, dev.docket.queue.Document doc) {
                        throw new IllegalStateException("never reached");
                    }

                    @Override
                    public void discard(dev.docket.queue.Job job, dev.docket.queue.StoredDocument document) {
                        throw new IllegalStateException("never reached");
                    }
                })
                .start();
        System.out.println("started " + runtime.workerId());
        new CountDownLatch(1).await();
    }
}
