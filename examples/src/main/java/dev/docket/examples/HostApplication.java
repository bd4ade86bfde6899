package dev.docket.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.JobQueue;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresJobStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host application wiring Docket for production: PostgreSQL through HikariCP, the worker
 * configured from the environment (the old system's variables), and a graceful shutdown on SIGTERM
 * ({@code kill -TERM <pid>}, what Kubernetes and systemd send): claiming stops at once, running jobs
 * get the grace period, the rest go back to the queue without spending an attempt.
 *
 * <p>Environment: {@code DOCKET_JDBC_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}),
 * {@code DOCKET_DB_USER} (default {@code postgres}), {@code DOCKET_DB_PASSWORD}, {@code DOCKET_SCHEMA}
 * (default {@code docket}), {@code REGISTRY_URL} (the registry {@link HttpRegistryExtractor} calls),
 * {@code DOCKET_OUT} (default {@code ./documents}), plus every {@link WorkerConfig#fromEnvironment()}
 * variable ({@code WORKER_CONCURRENCY}, {@code EXTRACTION_TIMEOUT}, ...).
 */
public final class HostApplication implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostApplication.class);

    private final HikariDataSource dataSource;
    private final PostgresJobStore store;
    private final JobQueue queue;
    private final WorkerRuntime runtime;
    private final CountDownLatch closed = new CountDownLatch(1);

    private HostApplication(HikariDataSource dataSource, PostgresJobStore store, WorkerRuntime runtime) {
        this.dataSource = dataSource;
        this.store = store;
        this.queue = JobQueue.of(store);
        this.runtime = runtime;
    }

    public static void main(String[] args) throws InterruptedException {
        HostApplication app = start(System.getenv());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "docket-shutdown"));
        log.info("worker {} running; stop it with kill -TERM {}", app.runtime.workerId(), ProcessHandle.current().pid());
        app.closed.await();
    }

    /** Wires and starts everything from the given environment. */
    public static HostApplication start(Map<String, String> env) {
        String jdbcUrl = env.getOrDefault("DOCKET_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = env.getOrDefault("DOCKET_DB_USER", "postgres");
        String password = env.getOrDefault("DOCKET_DB_PASSWORD", "");
        String schema = env.getOrDefault("DOCKET_SCHEMA", PostgresJobStore.DEFAULT_SCHEMA);
        String registry = env.get("REGISTRY_URL");
        if (registry == null || registry.isBlank()) {
            throw new IllegalArgumentException("REGISTRY_URL must be set to the registry's base URL");
        }

        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaximumPoolSize(5);   // see "Connections" below
        pool.setConnectionTimeout(5_000);   // ms waiting for a pooled connection
        pool.addDataSourceProperty("connectTimeout", "10");   // s to open a connection
        pool.addDataSourceProperty("socketTimeout", "30");   // s of network silence before the driver gives up
        pool.setPoolName("docket");
        HikariDataSource dataSource = new HikariDataSource(pool);
        try {
            PostgresJobStore store = PostgresJobStore.builder(dataSource)
                    .schema(schema)
                    .autoMigrate(true)
                    .statementTimeout(Duration.ofSeconds(10))   // the longest any store statement runs
                    .lockTimeout(Duration.ofSeconds(5))   // the longest it waits for a table or row lock
                    .build();
            WorkerRuntime runtime = WorkerRuntime.builder(store, new HttpRegistryExtractor(URI.create(registry)))
                    .config(WorkerConfig.fromEnvironment(env))
                    .documentSink(new FileSystemDocumentSink(Path.of(env.getOrDefault("DOCKET_OUT", "documents"))))
                    .start();
            return new HostApplication(dataSource, store, runtime);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /** The running worker. */
    public WorkerRuntime runtime() {
        return runtime;
    }

    /** What this application calls to enqueue, look up, cancel or retry its jobs. Thread-safe. */
    public JobQueue queue() {
        return queue;
    }

    /** The store (the SPI the runtime drives); applications use {@link #queue()}. */
    public PostgresJobStore store() {
        return store;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Graceful shutdown, in order: the runtime (finishes or releases jobs), the store, the pool. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        runtime.close();
        store.close();
        dataSource.close();
        closed.countDown();
    }
}
