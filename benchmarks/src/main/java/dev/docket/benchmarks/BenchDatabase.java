package dev.docket.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.jdbc.SchemaMigrator;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server a benchmark runs against and a fresh schema of its own, dropped by
 * {@link #close()}.
 *
 * <p>The server: {@code DOCKET_BENCH_JDBC_URL}, else {@code DOCKET_TEST_JDBC_URL}, else
 * {@value #LOCAL_URL}; user {@code DOCKET_BENCH_JDBC_USER} / {@code DOCKET_TEST_JDBC_USER} (default
 * {@value #LOCAL_USER}), password {@code DOCKET_BENCH_JDBC_PASSWORD} / {@code DOCKET_TEST_JDBC_PASSWORD}.
 * Only loopback hosts are accepted: benchmarks never reach another machine.
 *
 * <p>Thread-safe.
 */
public final class BenchDatabase implements AutoCloseable {
    public static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String LOCAL_USER = "postgres";
    /** The application_name of every pooled benchmark connection starts with this (CPU accounting). */
    public static final String APPLICATION_PREFIX = "docket-bench-";
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Server server;
    private final String schema;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private boolean closed;
    private boolean keep;

    /** Where the server is and how to log in. */
    public record Server(String url, String user, String password) {
        /** The connection properties for {@link DriverManager}. */
        public Properties properties() {
            Properties p = new Properties();
            p.setProperty("user", user);
            if (password != null && !password.isEmpty()) {
                p.setProperty("password", password);
            }
            return p;
        }

        /** The URL's host. */
        public String host() {
            return uri().getHost();
        }

        /** The URL's port (5432 when absent). */
        public int port() {
            int p = uri().getPort();
            return p < 0 ? 5432 : p;
        }

        /** The same URL with another host and port, e.g. to go through a proxy. */
        public String urlVia(String host, int port) {
            URI u = uri();
            String rest = url.substring(url.indexOf("//") + 2);
            int slash = rest.indexOf('/');
            return "jdbc:postgresql://" + host + ":" + port + (slash < 0 ? "/" : rest.substring(slash));
        }

        private URI uri() {
            return URI.create(url.substring("jdbc:".length()));
        }

        /** Environment variables a child JVM reads with {@link #fromEnvironment()}. */
        public Map<String, String> asEnvironment() {
            return Map.of("DOCKET_BENCH_JDBC_URL", url, "DOCKET_BENCH_JDBC_USER", user,
                    "DOCKET_BENCH_JDBC_PASSWORD", password == null ? "" : password);
        }

        /** Fails unless the host is a loopback address. */
        public Server requireLoopback() {
            if (!url.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("benchmark JDBC URL must start with jdbc:postgresql:// but was '"
                        + masked() + "'");
            }
            String host = host();
            try {
                if (host == null || !InetAddress.getByName(host).isLoopbackAddress()) {
                    throw new IllegalArgumentException("benchmarks only run against a PostgreSQL on this machine "
                            + "(a loopback address) but the JDBC URL points at '" + host + "'");
                }
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve the benchmark database host '" + host + "'", e);
            }
            return this;
        }

        /** The URL without credentials. */
        public String masked() {
            return url.replaceAll("(?i)(password=)[^&]*", "$1***");
        }

        /** The server from the environment (see the class comment). */
        public static Server fromEnvironment() {
            return new Server(env("DOCKET_BENCH_JDBC_URL", "DOCKET_TEST_JDBC_URL", LOCAL_URL),
                    env("DOCKET_BENCH_JDBC_USER", "DOCKET_TEST_JDBC_USER", LOCAL_USER),
                    env("DOCKET_BENCH_JDBC_PASSWORD", "DOCKET_TEST_JDBC_PASSWORD", "")).requireLoopback();
        }

        private static String env(String first, String second, String fallback) {
            String v = System.getenv(first);
            if (v == null || v.isBlank()) {
                v = System.getenv(second);
            }
            return v == null || v.isBlank() ? fallback : v.trim();
        }
    }

    private BenchDatabase(Server server, String schema) {
        this.server = server.requireLoopback();
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must match " + SCHEMA + " but was '" + schema + "'");
        }
        this.schema = schema;
    }

    /** A fresh schema {@code <prefix>_<random>} on the server from the environment, migrated. */
    public static BenchDatabase fresh(String prefix) {
        return fresh(Server.fromEnvironment(), prefix);
    }

    /** A fresh schema {@code <prefix>_<random>} on {@code server}, migrated. */
    public static BenchDatabase fresh(Server server, String prefix) {
        String schema = prefix + "_" + Long.toHexString(RANDOM.nextLong() & 0xffffffffffL);
        BenchDatabase db = new BenchDatabase(server, schema);
        try (HikariDataSource ds = db.pool("migrate", 1)) {
            SchemaMigrator.migrate(ds, schema);
        }
        return db;
    }

    /** An existing schema (a child JVM joining the parent's run); {@link #close()} does not drop it. */
    public static BenchDatabase existing(Server server, String schema) {
        BenchDatabase db = new BenchDatabase(server, schema);
        db.closed = true; // nothing to drop
        return db;
    }

    public Server server() {
        return server;
    }

    public String schema() {
        return schema;
    }

    /** The schema name, double-quoted for SQL. */
    public String quotedSchema() {
        return "\"" + schema + "\"";
    }

    /** A new pool of up to {@code size} connections to the server (closed by {@link #close()} too). */
    public synchronized HikariDataSource pool(String name, int size) {
        return pool(name, server.url(), size, Duration.ofSeconds(10));
    }

    /** A new pool of up to {@code size} connections with the given connection timeout. */
    public synchronized HikariDataSource pool(String name, int size, Duration connectionTimeout) {
        return pool(name, server.url(), size, connectionTimeout);
    }

    /** A new pool to {@code url} (e.g. through a proxy) with credentials of the server. */
    public synchronized HikariDataSource pool(String name, String url, int size, Duration connectionTimeout) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("bench-" + name);
        c.addDataSourceProperty("ApplicationName", APPLICATION_PREFIX + name);
        c.setJdbcUrl(url);
        c.setUsername(server.user());
        if (server.password() != null && !server.password().isEmpty()) {
            c.setPassword(server.password());
        }
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(Math.min(size, 2));
        c.setConnectionTimeout(connectionTimeout.toMillis());
        c.setInitializationFailTimeout(-1);
        HikariDataSource ds = new HikariDataSource(c);
        pools.add(ds);
        return ds;
    }

    /** A plain connection; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(server.url(), server.properties());
    }

    /** Runs statements on a plain connection in auto-commit; {@code %s} stands for the quoted schema. */
    public void execute(String... statements) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s.replace("%s", quotedSchema()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on schema " + schema + ": " + e.getMessage(), e);
        }
    }

    /** A long from a one-value query ({@code %s} = quoted schema). */
    public long queryLong(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement();
                var rs = st.executeQuery(sql.replace("%s", quotedSchema()))) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on schema " + schema + ": " + e.getMessage(), e);
        }
    }

    /** Keeps the schema when closed (post-mortem of a failed run); the caller says where it is. */
    public synchronized void keepSchema() {
        keep = true;
    }

    /** Closes the pools and drops the schema (unless {@link #keepSchema() kept}). Idempotent. */
    @Override
    public synchronized void close() {
        for (HikariDataSource ds : pools) {
            ds.close();
        }
        pools.clear();
        if (closed || keep) {
            return;
        }
        closed = true;
        execute("DROP SCHEMA IF EXISTS %s CASCADE");
    }
}
