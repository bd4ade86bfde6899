package dev.docket.cli.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A non-pooling DataSource for the CLI: each {@link #getConnection()} opens a new connection with
 * the PostgreSQL driver, bounded by timeouts so that an unreachable database fails in seconds:
 * connect {@value #CONNECT_TIMEOUT_S} s, login {@value #LOGIN_TIMEOUT_S} s, socket reads
 * {@value #SOCKET_TIMEOUT_S} s. Timeouts and other parameters written in the URL take precedence.
 * Thread-safe.
 */
public final class CliDataSource implements DataSource {
    /** TCP connect timeout, seconds. */
    public static final int CONNECT_TIMEOUT_S = 4;
    /** Whole login (connect, TLS, authentication) timeout, seconds. */
    public static final int LOGIN_TIMEOUT_S = 8;
    /** Longest wait for one server reply, seconds (a purge of many rows may take minutes). */
    public static final int SOCKET_TIMEOUT_S = 600;
    /** application_name, as seen in pg_stat_activity. */
    public static final String APPLICATION_NAME = "docket-cli";

    private final org.postgresql.Driver driver = new org.postgresql.Driver();
    private final String url;
    private final Properties properties;

    public CliDataSource(ConnectionSettings settings) {
        this.url = settings.url();
        Properties p = new Properties();
        if (settings.user() != null) {
            p.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            p.setProperty("password", settings.password());
        }
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_S));
        p.setProperty("loginTimeout", Integer.toString(LOGIN_TIMEOUT_S));
        p.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_S));
        p.setProperty("ApplicationName", APPLICATION_NAME);
        this.properties = p;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = driver.connect(url, properties);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept this URL");
        }
        return c;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("give the credentials to the CLI, not per connection");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // the driver logs through java.util.logging; nothing to set
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        throw new SQLFeatureNotSupportedException("the CLI's login timeout is fixed: " + LOGIN_TIMEOUT_S + "s");
    }

    @Override
    public int getLoginTimeout() {
        return LOGIN_TIMEOUT_S;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
