package dev.docket.web;

import com.sun.net.httpserver.HttpServer;
import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.spi.JobStore;
import dev.docket.web.internal.Routes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docket dashboard: a live web view of the queue (overview, workers, jobs, stuck jobs) with operator
 * actions, served by the JDK's HTTP server on its own threads ({@code docket-dashboard-N}).
 *
 * <pre>{@code
 * DocketDashboard dashboard = DocketDashboard.builder(dataSource)
 *         .schema("docket")
 *         .port(8080)
 *         .auth(DashboardAuth.basic().user("alice", passwordHash, DashboardRole.OPERATOR).build())
 *         .start();
 * System.out.println("dashboard at " + dashboard.url());
 * }</pre>
 *
 * Secure by default: it binds to 127.0.0.1 with {@link DashboardAuth#none()} (read-only, loopback only).
 * See docs/dashboard.md for the security model. Thread-safe; {@link #close()} stops it.
 */
public final class DocketDashboard implements AutoCloseable {
    /** The default port. */
    public static final int DEFAULT_PORT = 8080;
    /** The default bind address: loopback only. */
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** How often the overview refreshes itself in the browser, by default. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);
    /** Threads serving requests. */
    static final int THREADS = 4;
    /** Requests waiting for a thread before new ones are refused. */
    static final int QUEUE = 64;
    private static final Logger log = LoggerFactory.getLogger(DocketDashboard.class);
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final PostgresJobStore ownedStore;
    private final URI url;

    private DocketDashboard(Builder b, InetAddress address) throws IOException {
        JobStore store = b.store;
        PostgresJobStore owned = null;
        if (store == null) {
            owned = PostgresJobStore.builder(b.dataSource).schema(b.schema).notifications(false).build();
            store = owned;
        }
        this.ownedStore = owned;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> {
                    Thread t = new Thread(r, "docket-dashboard-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        try {
            this.server = HttpServer.create(new InetSocketAddress(address, b.port), QUEUE);
        } catch (IOException e) {
            executor.shutdownNow();
            if (owned != null) {
                owned.close();
            }
            throw e;
        }
        server.createContext("/", Routes.of(store, b.dataSource, b.schema, b.documentDirectory, b.auth, b.diagnostics, b.refresh,
                b.refresh.dividedBy(2)));
        server.setExecutor(executor);
        server.start();
        String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        this.url = URI.create("http://" + host + ":" + server.getAddress().getPort() + "/");
        log.info("Docket dashboard at {} (auth {})", url, b.auth);
    }

    /** A dashboard over the Docket schema in {@code dataSource}: every view. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"), null);
    }

    /**
     * A dashboard over any store (e.g. an {@code InMemoryJobStore}): overview counts, workers, stuck jobs and
     * job pages; the job list, the throughput chart and document downloads also need {@link Builder#dataSource}.
     */
    public static Builder builder(JobStore store) {
        return new Builder(null, Objects.requireNonNull(store, "store"));
    }

    /** Where it answers, e.g. {@code http://127.0.0.1:8080/}. */
    public URI url() {
        return url;
    }

    /** The port it listens on (the one chosen when {@link Builder#port} was 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops answering (requests in progress get up to one second) and releases the store it opened. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        if (ownedStore != null) {
            ownedStore.close();
        }
        log.info("Docket dashboard at {} stopped", url);
    }

    /** Builds and starts a {@link DocketDashboard}. Not thread-safe; {@link #start()} validates. */
    public static final class Builder {
        private DataSource dataSource;
        private final JobStore store;
        private String schema = PostgresJobStore.DEFAULT_SCHEMA;
        private int port = DEFAULT_PORT;
        private String bind = DEFAULT_BIND;
        private DashboardAuth auth = DashboardAuth.none();
        private Duration refresh = DEFAULT_REFRESH;
        private DiagnosticsOptions diagnostics = DiagnosticsOptions.defaults();
        private java.nio.file.Path documentDirectory;

        private Builder(DataSource dataSource, JobStore store) {
            this.dataSource = dataSource;
            this.store = store;
        }

        /** The schema of the Docket tables; default {@value PostgresJobStore#DEFAULT_SCHEMA}. */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** The database of a store given to {@link DocketDashboard#builder(JobStore)}, for the SQL views. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /**
         * The directory of the workers' {@code FileSystemDocumentSink} (or of the failure snapshots' sink), for
         * downloads of the documents and snapshot files stored there: only files directly in it and named as that
         * sink names them are served. Default none: {@code file:} references are shown as text, never read.
         */
        public Builder documentDirectory(java.nio.file.Path documentDirectory) {
            this.documentDirectory = documentDirectory;
            return this;
        }

        /** The TCP port, 0 for any free one; default {@value #DEFAULT_PORT}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The address to listen on; default {@value #DEFAULT_BIND}. Another needs an auth that is not none. */
        public Builder bind(String bind) {
            this.bind = bind;
            return this;
        }

        /** Who may see and act; default {@link DashboardAuth#none()} (read-only, loopback only). */
        public Builder auth(DashboardAuth auth) {
            this.auth = auth;
            return this;
        }

        /** How often the overview refreshes itself, 1 s to 1 h; default 2 s. */
        public Builder refresh(Duration refresh) {
            this.refresh = refresh;
            return this;
        }

        /** The alert thresholds of the overview and the stuck-job view (a worker silent for heartbeatAlert is dead). */
        public Builder diagnostics(DiagnosticsOptions diagnostics) {
            this.diagnostics = diagnostics;
            return this;
        }

        /**
         * Validates, binds and starts serving.
         *
         * @throws IllegalArgumentException naming the setting when one is invalid, e.g. a non-loopback bind with
         *                                  {@link DashboardAuth#none()}
         * @throws UncheckedIOException     when the port cannot be bound
         */
        public DocketDashboard start() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535 but was " + port);
            }
            Objects.requireNonNull(auth, "auth");
            Objects.requireNonNull(diagnostics, "diagnostics");
            if (refresh == null || refresh.compareTo(Duration.ofSeconds(1)) < 0 || refresh.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("refresh must be 1s-1h but was " + refresh);
            }
            dev.docket.queue.jdbc.internal.SqlIdentifiers.requireSchema("schema", schema);
            if (documentDirectory != null && !java.nio.file.Files.isDirectory(documentDirectory)) {
                throw new IllegalArgumentException("documentDirectory must be an existing directory but was "
                        + documentDirectory);
            }
            InetAddress address = address();
            if (auth.loopbackOnly() && !address.isLoopbackAddress()) {
                throw new IllegalArgumentException("bind " + bind + " is not a loopback address, and auth " + auth
                        + " signs nobody in: use DashboardAuth.basic() or bearer() to listen beyond this machine");
            }
            try {
                return new DocketDashboard(this, address);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
            }
        }

        private InetAddress address() {
            if (bind == null || bind.isBlank()) {
                throw new IllegalArgumentException("bind must be an IP address or host name but was " + bind);
            }
            try {
                return InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bind must be an IP address or host name but was '" + bind + "'", e);
            }
        }
    }
}
