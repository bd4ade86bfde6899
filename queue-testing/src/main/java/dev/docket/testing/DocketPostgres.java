package dev.docket.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.docket.testing.internal.PostgresServer;

/**
 * A PostgreSQL database for tests, with a fresh schema of its own ({@code docket_t_<random>}) that
 * {@link #close()} drops; a JUnit 5 extension that opens it before the test class and drops it after:
 *
 * <pre>{@code
 * @RegisterExtension
 * static DocketPostgres db = DocketPostgres.migrated();
 *
 * @Test
 * void myTest() {
 *     PostgresJobStore store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build();
 *     ...
 * }
 * }</pre>
 *
 * A static field gets one schema for the class (opened before all tests, dropped after all); an instance field
 * gets one per test. Outside JUnit, use it as an {@link AutoCloseable}: {@code try (DocketPostgres db =
 * DocketPostgres.migrated()) {...}}; it opens on first use.
 *
 * <p>The server is found once per JVM, in this order:
 * <ol>
 *   <li>{@code DOCKET_TEST_JDBC_URL} (with {@code DOCKET_TEST_JDBC_USER} / {@code DOCKET_TEST_JDBC_PASSWORD}
 *       or credentials in the URL);</li>
 *   <li>Testcontainers ({@value #CONTAINER_IMAGE}) when a Docker daemon answers;</li>
 *   <li>{@value #LOCAL_URL} as user {@value #LOCAL_USER}.</li>
 * </ol>
 * When none answers, opening fails with a message saying how to provide one.
 *
 * <p>{@link #migrated()} needs {@code dev.docket:queue-jdbc} on the test classpath (it runs its {@code
 * SchemaMigrator}); the Testcontainers step needs {@code org.testcontainers:postgresql} (optional here).
 *
 * <p>Thread-safe.
 */
public final class DocketPostgres
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, AutoCloseable {
    /** The environment variable naming the test server's JDBC URL (tried first). */
    public static final String URL_ENV = "DOCKET_TEST_JDBC_URL";
    /** The environment variable with the user for {@link #URL_ENV}, when the URL carries none. */
    public static final String USER_ENV = "DOCKET_TEST_JDBC_USER";
    /** The environment variable with the password for {@link #URL_ENV}, when the URL carries none. */
    public static final String PASSWORD_ENV = "DOCKET_TEST_JDBC_PASSWORD";
    /** The server tried last. */
    public static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    /** The user for {@link #LOCAL_URL}. */
    public static final String LOCAL_USER = "postgres";
    /** The image Testcontainers starts when a Docker daemon answers. */
    public static final String CONTAINER_IMAGE = "postgres:15-alpine";
    private static final Logger log = LoggerFactory.getLogger(DocketPostgres.class);
    private static final String MIGRATOR = "dev.docket.queue.jdbc.SchemaMigrator";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?(/.*)?$");

    private final boolean migrate;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<TcpProxy> proxies = new ArrayList<>();
    private String schema;
    private PostgresServer srv;
    private HikariDataSource dataSource;
    private volatile boolean perClass;
    /** The JUnit container (class) that opened this, null before. */
    private String owner;
    private boolean closed;

    private DocketPostgres(boolean migrate) {
        this.migrate = migrate;
        this.schema = freshSchemaName();
    }

    private static String freshSchemaName() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        StringBuilder name = new StringBuilder("docket_t_");
        for (byte x : b) {
            name.append(String.format(Locale.ROOT, "%02x", x));
        }
        return name.toString();
    }

    /** A fresh schema with Docket's tables (queue-jdbc's {@code SchemaMigrator} run on it when it opens). */
    public static DocketPostgres migrated() {
        return new DocketPostgres(true);
    }

    /** A fresh schema name on the test server and nothing else: the schema itself does not exist yet. */
    public static DocketPostgres empty() {
        return new DocketPostgres(false);
    }

    /**
     * Opens before the first test of the class that registered it. JUnit calls this again for each {@code @Nested}
     * class inside (the extension is inherited): those calls do nothing, so the whole class shares one schema. A
     * static field of an abstract base class serves each concrete test class in turn: each gets a fresh schema.
     */
    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (owner == null || closed) {
            if (closed) { // the previous test class is done with it
                schema = freshSchemaName();
                srv = null;
                dataSource = null;
                pools.clear();
                proxies.clear();
                closed = false;
            }
            owner = context.getUniqueId();
            perClass = true;
            open();
        }
    }

    /** Drops the schema after the last test of the class that registered it (not after each nested class). */
    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(owner)) {
            close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            open();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    /** Finds the server and (for {@link #migrated()}) migrates the schema, once; every accessor calls it. */
    public synchronized DocketPostgres open() {
        checkOpen();
        if (srv == null) {
            srv = PostgresServer.find(); // set first: the migration below opens the pool through srv()
            if (migrate) {
                migrate(dataSource(), schema);
            }
        }
        return this;
    }

    private synchronized PostgresServer srv() {
        open();
        return srv;
    }

    /** The test schema's name. */
    public synchronized String schema() {
        return schema;
    }

    /** The server's JDBC URL (may carry credentials: mask before printing). */
    public String jdbcUrl() {
        return srv().url();
    }

    /** Credentials and timeouts for {@link DriverManager#getConnection(String, Properties)}. */
    public Properties connectionProperties() {
        return srv().properties();
    }

    /** The server host in the URL. */
    public String host() {
        return matcher(srv().url()).group(1);
    }

    /** The server port in the URL. */
    public int port() {
        String p = matcher(srv().url()).group(2);
        return p == null ? 5432 : Integer.parseInt(p);
    }

    /** The server URL with another host and port (to go through a proxy). */
    public String jdbcUrlVia(String host, int port) {
        Matcher m = matcher(srv().url());
        return "jdbc:postgresql://" + host + ":" + port + (m.group(3) == null ? "/" : m.group(3));
    }

    /**
     * A {@link TcpProxy} on 127.0.0.1 to the test server (closed by {@link #close()}): connect through it with
     * {@code newDataSource(jdbcUrlVia("127.0.0.1", proxy.port()), ...)}, then cut and resume it.
     */
    public synchronized TcpProxy proxy() {
        try {
            TcpProxy p = TcpProxy.toConfiguredTarget(host(), port());
            proxies.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a proxy to the test database", e);
        }
    }

    /** A pool of up to 10 connections, shared by the test class and closed by {@link #close()}. */
    public synchronized HikariDataSource dataSource() {
        checkOpen();
        if (dataSource == null) {
            dataSource = newDataSource(srv().url(), 10, Duration.ofSeconds(10));
        }
        return dataSource;
    }

    /** Another pool (closed by {@link #close()}), e.g. to {@code url} through a proxy. */
    public synchronized HikariDataSource newDataSource(String url, int maximumPoolSize, Duration connectionTimeout) {
        PostgresServer srv = srv();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(srv.user());
        config.setPassword(srv.password());
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
        PostgresServer s = srv();
        return DriverManager.getConnection(s.url(), s.properties());
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
                if (hasSourceTables(c)) {
                    try (PreparedStatement src = c.prepareStatement("UPDATE " + s + "docket_source SET"
                            + " blocked_until = blocked_until" + by + ", open_until = open_until" + by
                            + ", tokens_at = tokens_at" + by + ", updated_at = updated_at" + by);
                         PreparedStatement se = c.prepareStatement("UPDATE " + s + "docket_source_event SET"
                                 + " created_at = created_at" + by)) {
                        for (int i = 1; i <= 4; i++) {
                            src.setLong(i, micros);
                        }
                        src.executeUpdate();
                        se.setLong(1, micros);
                        se.executeUpdate();
                    }
                }
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
        execute("TRUNCATE " + s + "extraction_job_event, " + s + "extraction_queue, " + s + "worker_status RESTART IDENTITY CASCADE");
        try (Connection c = connect()) {
            if (hasSourceTables(c)) {
                execute("TRUNCATE " + s + "docket_source, " + s + "docket_source_event RESTART IDENTITY CASCADE");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not truncate the source tables of " + schema, e);
        }
    }

    /** Whether the schema has the source tables (migration 2 and later); looked up until they are found. */
    private boolean hasSourceTables(Connection c) throws SQLException {
        if (sourceTables) {
            return true;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, "\"" + schema + "\".docket_source");
            try (ResultSet rs = ps.executeQuery()) {
                sourceTables = rs.next() && rs.getBoolean(1);
                return sourceTables;
            }
        }
    }

    /** Set once the schema is seen to have the source tables (a schema is never downgraded). */
    private volatile boolean sourceTables;

    /** Drops the schema and closes the pools and proxies. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (srv != null) {
            try (Connection c = DriverManager.getConnection(srv.url(), srv.properties()); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
            } catch (SQLException e) {
                log.warn("could not drop test schema {}: {}", schema, e.getMessage());
            }
        }
        closed = true;
        for (TcpProxy p : proxies) {
            p.close();
        }
        for (HikariDataSource ds : pools) {
            ds.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("DocketPostgres " + schema + " is closed");
        }
    }

    /** Runs queue-jdbc's {@code SchemaMigrator.migrate(DataSource, String)}, found on the test classpath. */
    private static void migrate(DataSource ds, String schema) {
        Method m;
        try {
            m = Class.forName(MIGRATOR).getMethod("migrate", DataSource.class, String.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalStateException("DocketPostgres.migrated() runs " + MIGRATOR + ", which is not on the"
                    + " test classpath: add dev.docket:queue-jdbc (or use DocketPostgres.empty() and migrate yourself)", e);
        }
        try {
            m.invoke(null, ds, schema);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException("migrating test schema " + schema + " failed: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + MIGRATOR + ".migrate: " + e.getMessage(), e);
        }
    }

    private static Matcher matcher(String url) {
        Matcher m = HOST_PORT.matcher(url);
        if (!m.matches()) {
            throw new IllegalStateException("cannot read host and port from " + PostgresServer.mask(url));
        }
        return m;
    }


}
