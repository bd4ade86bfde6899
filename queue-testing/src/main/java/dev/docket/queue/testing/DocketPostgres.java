package dev.docket.queue.jdbc.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.jdbc.SchemaMigrator;
import dev.docket.queue.jdbc.internal.JdbcUrls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL database for tests, with a fresh schema of its own ({@code docket_t_<random>}) that
 * {@link #close()} drops. Shipped in the queue-jdbc test-jar for every module that tests against
 * PostgreSQL.
 *
 * <p>The server is found once per JVM, in this order:
 * <ol>
 *   <li>{@code DOCKET_TEST_JDBC_URL} (with {@code DOCKET_TEST_JDBC_USER} / {@code DOCKET_TEST_JDBC_PASSWORD}
 *       or credentials in the URL);</li>
 *   <li>Testcontainers ({@value #CONTAINER_IMAGE}) when a Docker daemon answers;</li>
 *   <li>{@value #LOCAL_URL} as user {@value #LOCAL_USER}.</li>
 * </ol>
 * When none answers, {@link #create()} fails with a message saying how to provide one.
 *
 * <pre>{@code
 * static TestDatabase db;
 * @BeforeAll static void start() { db = TestDatabase.create().migrated(); }
 * @AfterAll static void stop() { db.close(); }
 * ... PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build();
 * }</pre>
 *
 * <p>A module using it declares, in test scope: {@code queue-jdbc} (type {@code test-jar}, classifier
 * {@code tests}), {@code HikariCP} (optional in queue-jdbc, so not inherited), {@code
 * org.testcontainers:postgresql} and a logging backend.
 *
 * <p>Thread-safe.
 */
public final class TestDatabase implements AutoCloseable {
    public static final String URL_ENV = "DOCKET_TEST_JDBC_URL";
    public static final String USER_ENV = "DOCKET_TEST_JDBC_USER";
    public static final String PASSWORD_ENV = "DOCKET_TEST_JDBC_PASSWORD";
    public static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String LOCAL_USER = "postgres";
    public static final String CONTAINER_IMAGE = "postgres:15-alpine";
    /** How long the Docker probe may take before Testcontainers is skipped. */
    private static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?(/.*)?$");
    private static Server server;

    private final Server srv;
    private final String schema;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private HikariDataSource dataSource;
    private boolean closed;

    /** Where the server is and how it was found. */
    private static final class Server {
        final String url;
        final String user;
        final String password;
        final String origin;

        Server(String url, String user, String password, String origin) {
            this.url = url;
            this.user = user;
            this.password = password;
            this.origin = origin;
        }

        Properties properties() {
            Properties p = new Properties();
            if (user != null) {
                p.setProperty("user", user);
            }
            if (password != null) {
                p.setProperty("password", password);
            }
            p.setProperty("connectTimeout", "5");
            p.setProperty("loginTimeout", "10");
            return p;
        }
    }

    private TestDatabase(Server srv, String schema) {
        this.srv = srv;
        this.schema = schema;
    }

    /** A fresh, empty schema name on the test server (the schema itself is created by migration). */
    public static TestDatabase create() {
        Server s = server();
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        StringBuilder name = new StringBuilder("docket_t_");
        for (byte x : b) {
            name.append(String.format(Locale.ROOT, "%02x", x));
        }
        return new TestDatabase(s, name.toString());
    }

    /** Runs {@link SchemaMigrator#migrate(javax.sql.DataSource, String)} on this schema; returns this. */
    public TestDatabase migrated() {
        SchemaMigrator.migrate(dataSource(), schema);
        return this;
    }

    /** The test schema's name. */
    public String schema() {
        return schema;
    }

    /** The server's JDBC URL (may carry credentials: mask before printing). */
    public String jdbcUrl() {
        return srv.url;
    }

    /** Credentials and timeouts for {@link DriverManager#getConnection(String, Properties)}. */
    public Properties connectionProperties() {
        return srv.properties();
    }

    /** The server host in the URL. */
    public String host() {
        return matcher(srv.url).group(1);
    }

    /** The server port in the URL. */
    public int port() {
        String p = matcher(srv.url).group(2);
        return p == null ? 5432 : Integer.parseInt(p);
    }

    /** The server URL with another host and port (to go through a proxy). */
    public String jdbcUrlVia(String host, int port) {
        Matcher m = matcher(srv.url);
        return "jdbc:postgresql://" + host + ":" + port + (m.group(3) == null ? "/" : m.group(3));
    }

    /** A pool of up to 10 connections, shared by the test class and closed by {@link #close()}. */
    public synchronized HikariDataSource dataSource() {
        checkOpen();
        if (dataSource == null) {
            dataSource = newDataSource(srv.url, 10, Duration.ofSeconds(10));
        }
        return dataSource;
    }

    /** Another pool (closed by {@link #close()}), e.g. to {@code url} through a proxy. */
    public synchronized HikariDataSource newDataSource(String url, int maximumPoolSize, Duration connectionTimeout) {
        checkOpen();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(srv.user);
        config.setPassword(srv.password);
        config.setMaximumPoolSize(maximumPoolSize);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(Math.max(250, connectionTimeout.toMillis()));
        config.setValidationTimeout(Math.max(250, Math.min(connectionTimeout.toMillis(), 5_000)));
        config.setInitializationFailTimeout(-1);
        config.setPoolName("docket-test-" + schema + "-" + pools.size());
        config.addDataSourceProperty("connectTimeout", "5");
        HikariDataSource ds = new HikariDataSource(config);
        pools.add(ds);
        return ds;
    }

    /** A plain connection (the caller closes it). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(srv.url, srv.properties());
    }

    /** Runs statements on a plain connection in auto-commit. */
    public void execute(String... statements) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code d} pass for the database clock of a migrated schema: moves every stored timestamp
     * (jobs, workers, events) back by {@code d}, in one transaction, so {@code now()} is effectively
     * {@code d} later for everything stored.
     */
    public void advanceClock(Duration d) {
        String s = "\"" + schema + "\".";
        String by = " - ? * interval '1 microsecond'";
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement q = c.prepareStatement("UPDATE " + s + "extraction_queue SET"
                    + " created_at = created_at" + by + ", updated_at = updated_at" + by + ", run_after = run_after" + by
                    + ", lease_expires_at = lease_expires_at" + by + ", processing_started_at = processing_started_at" + by
                    + ", completed_at = completed_at" + by);
                 PreparedStatement w = c.prepareStatement("UPDATE " + s + "worker_status SET"
                         + " last_heartbeat = last_heartbeat" + by + ", started_at = started_at" + by);
                 PreparedStatement e = c.prepareStatement("UPDATE " + s + "extraction_job_event SET"
                         + " created_at = created_at" + by)) {
                long micros = d.toNanos() / 1000;
                for (int i = 1; i <= 6; i++) {
                    q.setLong(i, micros);
                }
                q.executeUpdate();
                w.setLong(1, micros);
                w.setLong(2, micros);
                w.executeUpdate();
                e.setLong(1, micros);
                e.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("could not advance the clock of " + schema + " by " + d + ": "
                    + e.getMessage(), e);
        }
    }

    /** Empties the Docket tables of the schema (ids restart at 1). */
    public void truncate() {
        String s = "\"" + schema + "\".";
        execute("TRUNCATE " + s + "extraction_job_event, " + s + "extraction_queue, " + s + "worker_status RESTART IDENTITY");
    }

    /** Drops the schema and closes the pools. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } catch (SQLException e) {
            log.warn("could not drop test schema {}: {}", schema, e.getMessage());
        }
        for (HikariDataSource ds : pools) {
            ds.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("TestDatabase " + schema + " is closed");
        }
    }

    private static Matcher matcher(String url) {
        Matcher m = HOST_PORT.matcher(url);
        if (!m.matches()) {
            throw new IllegalStateException("cannot read host and port from " + JdbcUrls.mask(url));
        }
        return m;
    }

    // ------------------------------------------------------------------ finding the server

    private static synchronized Server server() {
        if (server != null) {
            return server;
        }
        List<String> tried = new ArrayList<>();
        String envUrl = System.getenv(URL_ENV);
        if (envUrl != null && !envUrl.isBlank()) {
            Server s = new Server(envUrl.trim(), System.getenv(USER_ENV), System.getenv(PASSWORD_ENV), URL_ENV);
            String problem = probe(s);
            if (problem == null) {
                return server = announce(s);
            }
            // an explicit choice that does not answer is an error, not a reason to test elsewhere
            throw noDatabase(List.of(URL_ENV + "=" + JdbcUrls.mask(s.url) + ": " + problem));
        }
        String docker = dockerProblem();
        if (docker == null) {
            try {
                Server s = Containers.start();
                String problem = probe(s);
                if (problem == null) {
                    return server = announce(s);
                }
                tried.add("Testcontainers " + CONTAINER_IMAGE + ": " + problem);
            } catch (RuntimeException | LinkageError e) {
                tried.add("Testcontainers " + CONTAINER_IMAGE + ": " + e);
            }
        } else {
            tried.add("Testcontainers: " + docker);
        }
        Server local = new Server(LOCAL_URL, LOCAL_USER, null, "local default");
        String problem = probe(local);
        if (problem == null) {
            return server = announce(local);
        }
        tried.add(LOCAL_URL + " (user " + LOCAL_USER + "): " + problem);
        throw noDatabase(tried);
    }

    private static Server announce(Server s) {
        log.info("tests use PostgreSQL at {} ({})", JdbcUrls.mask(s.url), s.origin);
        return s;
    }

    private static IllegalStateException noDatabase(List<String> tried) {
        return new IllegalStateException("No PostgreSQL for the tests. Provide one of: (1) " + URL_ENV
                + "=jdbc:postgresql://host:5432/db (credentials in the URL or in " + USER_ENV + "/" + PASSWORD_ENV
                + "); (2) a running Docker daemon, for Testcontainers (" + CONTAINER_IMAGE + "); (3) PostgreSQL 13+"
                + " on 127.0.0.1:5432 with a database 'test' that user 'postgres' can use (e.g. trust auth;"
                + " on Debian: pg_ctlcluster <version> main start). Tried: " + String.join("; ", tried));
    }

    /** Null when connecting works, else why not. */
    private static String probe(Server s) {
        try (Connection c = DriverManager.getConnection(s.url, s.properties())) {
            c.isValid(5);
            return null;
        } catch (SQLException e) {
            return JdbcUrls.mask(e.getMessage());
        }
    }

    /** Null when a Docker daemon answers quickly, else why Testcontainers is skipped. */
    private static String dockerProblem() {
        boolean configured = System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (!configured) {
            return "no Docker (no DOCKER_HOST, no /var/run/docker.sock)";
        }
        CompletableFuture<Boolean> available = CompletableFuture.supplyAsync(Containers::dockerAvailable);
        try {
            return available.get(DOCKER_PROBE_TIMEOUT.toSeconds(), TimeUnit.SECONDS) ? null : "Docker does not answer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing Docker";
        } catch (Exception e) {
            available.cancel(true);
            return "Docker probe failed or took longer than " + DOCKER_PROBE_TIMEOUT.toSeconds() + "s: " + e;
        }
    }

    /** Kept apart so Testcontainers classes load only when Docker looks available. */
    private static final class Containers {
        private static org.testcontainers.containers.PostgreSQLContainer<?> container;

        static boolean dockerAvailable() {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        }

        static Server start() {
            if (container == null) {
                @SuppressWarnings("resource") // one container per JVM, stopped by Testcontainers' reaper
                org.testcontainers.containers.PostgreSQLContainer<?> c =
                        new org.testcontainers.containers.PostgreSQLContainer<>(CONTAINER_IMAGE)
                                .withDatabaseName("test").withUsername("postgres").withPassword("postgres");
                c.start();
                container = c;
            }
            return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword(), "Testcontainers");
        }
    }
}
