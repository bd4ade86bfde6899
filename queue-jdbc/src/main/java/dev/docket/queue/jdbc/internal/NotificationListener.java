package dev.docket.queue.jdbc.internal;

import dev.docket.queue.spi.JobStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one dedicated connection that {@code LISTEN}s on the schema's channel and runs the
 * subscribers when a notification arrives (jobs were enqueued or became claimable again), on its
 * own thread ({@code docket-listen-<schema>}).
 *
 * <p>When the connection breaks it reconnects by itself with exponential back-off (from
 * {@value #MIN_BACKOFF_MS} ms up to {@value #MAX_BACKOFF_MS} ms), logging one WARN when the outage
 * starts and one INFO when it ends; subscribers are run once after every (re)connection, since
 * notifications sent meanwhile were lost. An idle connection is checked every
 * {@value #PING_INTERVAL_MS} ms so a silently dropped one is noticed.
 *
 * <p>Thread-safe. Started lazily by the first {@link #subscribe}; stopped by {@link #close()}. A
 * subscriber that throws is logged and does not stop the others or the thread.
 */
public final class NotificationListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;
    static final long PING_INTERVAL_MS = 10_000;
    private static final int WAIT_MS = 250;
    private static final int NETWORK_TIMEOUT_MS = 30_000;

    /** Opens the listening connection. */
    public interface ConnectionFactory {
        Connection open() throws SQLException;

        /** Where it connects to, for log lines; must not contain a password. */
        String describe();
    }

    private final String threadName;
    private final String channel;
    private final ConnectionFactory factory;
    private final CopyOnWriteArrayList<Runnable> subscribers = new CopyOnWriteArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Object lifecycle = new Object();
    private Thread thread;
    private boolean closed;
    private volatile boolean connected;
    private volatile long connections;

    public NotificationListener(String threadName, String channel, ConnectionFactory factory) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Adds a subscriber (starting the thread on first use). */
    public JobStore.Subscription subscribe(Runnable onJobsAvailable) {
        Objects.requireNonNull(onJobsAvailable, "onJobsAvailable");
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("the store is closed");
            }
            subscribers.add(onJobsAvailable);
            if (thread == null) {
                thread = new Thread(this::run, threadName);
                thread.setDaemon(true);
                thread.start();
            }
        }
        return () -> subscribers.remove(onJobsAvailable);
    }

    /** True while the LISTEN connection is up. */
    public boolean isConnected() {
        return connected;
    }

    /** How many times a LISTEN connection was opened (1 + reconnections). */
    public long connectionCount() {
        return connections;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        stop.countDown();
        subscribers.clear();
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                log.warn("{} did not stop within 5s", threadName);
            }
        }
    }

    private void run() {
        long backoff = MIN_BACKOFF_MS;
        long outageStart = 0;
        boolean everConnected = false;
        while (stop.getCount() > 0) {
            Connection conn = null;
            try {
                conn = open();
                connected = true;
                connections++;
                if (outageStart != 0) {
                    log.info("LISTEN connection to {} is back after {} ms; wake-ups by notification resumed",
                            factory.describe(), (System.nanoTime() - outageStart) / 1_000_000);
                    outageStart = 0;
                } else if (!everConnected) {
                    log.debug("listening on channel {} via {}", channel, factory.describe());
                }
                everConnected = true;
                backoff = MIN_BACKOFF_MS;
                if (!conn.isWrapperFor(PGConnection.class)) {
                    log.error("notifications are off: connections from {} are not PostgreSQL JDBC (pgjdbc) connections,"
                            + " so they cannot LISTEN; idle workers rely on polling. Give the store a listenUrl(...)",
                            factory.describe());
                    return;
                }
                fire(); // notifications sent while we were not listening are lost: look once
                listen(conn);
            } catch (SQLException | RuntimeException e) {
                if (stop.getCount() == 0) {
                    break;
                }
                if (outageStart == 0) {
                    outageStart = System.nanoTime();
                    log.warn("LISTEN connection to {} {}: {}; idle workers fall back to polling until it is back"
                            + " (reconnecting with back-off up to {} ms)", factory.describe(),
                            everConnected ? "lost" : "could not be opened", JdbcUrls.mask(String.valueOf(e.getMessage())),
                            MAX_BACKOFF_MS);
                } else {
                    log.debug("LISTEN connection to {} still down: {}", factory.describe(), JdbcUrls.mask(String.valueOf(e.getMessage())));
                }
            } finally {
                connected = false;
                closeQuietly(conn);
            }
            if (await(backoff)) {
                break;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    private Connection open() throws SQLException {
        Connection conn = factory.open();
        try {
            conn.setAutoCommit(true);
            try {
                conn.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MS);
            } catch (SQLException | UnsupportedOperationException e) {
                log.debug("could not set a network timeout on the LISTEN connection: {}", JdbcUrls.mask(String.valueOf(e.getMessage())));
            }
            try (Statement st = conn.createStatement()) {
                st.execute("LISTEN " + SqlIdentifiers.quote(channel));
            }
            return conn;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
    }

    private void listen(Connection conn) throws SQLException {
        PGConnection pg = conn.unwrap(PGConnection.class);
        long lastActivity = System.nanoTime();
        while (stop.getCount() > 0) {
            PGNotification[] notifications = pg.getNotifications(WAIT_MS);
            if (notifications != null && notifications.length > 0) {
                lastActivity = System.nanoTime();
                fire();
            } else if (System.nanoTime() - lastActivity > TimeUnit.MILLISECONDS.toNanos(PING_INTERVAL_MS)) {
                try (Statement st = conn.createStatement()) {
                    st.execute("SELECT 1");
                }
                lastActivity = System.nanoTime();
            }
        }
    }

    private void fire() {
        for (Runnable r : subscribers) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("a jobs-available subscriber threw; ignored", e);
            } catch (Error e) {
                // user code: the listening thread must survive it, or wake-ups would stop silently
                log.error("a jobs-available subscriber threw an Error; ignored", e);
            }
        }
    }

    /** Waits up to {@code ms}; true when stopping. */
    private boolean await(long ms) {
        try {
            return stop.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void closeQuietly(Connection conn) {
        if (conn == null) {
            return;
        }
        try {
            conn.close();
        } catch (SQLException e) {
            log.debug("closing the LISTEN connection failed: {}", JdbcUrls.mask(String.valueOf(e.getMessage())));
        }
    }

    /** Opens a listening connection from a {@link javax.sql.DataSource} (it then holds one of its connections). */
    public static ConnectionFactory fromDataSource(javax.sql.DataSource ds, String description) {
        return new ConnectionFactory() {
            @Override
            public Connection open() throws SQLException {
                return ds.getConnection();
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** Opens a listening connection with {@link java.sql.DriverManager}. */
    public static ConnectionFactory fromUrl(String url, java.util.Properties info) {
        java.util.Properties copy = new java.util.Properties();
        copy.putAll(info);
        String masked = JdbcUrls.mask(url);
        return new ConnectionFactory() {
            @Override
            public Connection open() throws SQLException {
                return java.sql.DriverManager.getConnection(url, copy);
            }

            @Override
            public String describe() {
                return masked;
            }
        };
    }
}
