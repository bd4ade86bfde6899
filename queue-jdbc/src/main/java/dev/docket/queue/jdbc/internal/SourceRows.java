package dev.docket.queue.jdbc.internal;

import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.internal.SourceState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Reading and writing {@code docket_source} rows as {@link SourcePolicy} and {@link SourceState}, and appending
 * {@code docket_source_event} rows. Stateless.
 */
final class SourceRows {
    /** The policy and state columns, in the order {@link #policy} and {@link #state} read them. */
    static final String COLUMNS = "source, own_policy, concurrency, rate_permits, rate_per, rate_burst, breaker_failures,"
            + " cool_down_from_ms, cool_down_to_ms, throttle_default_ms, throttle_max_ms, paused, pause_reason,"
            + " blocked_until, block_reason, circuit, open_until, cool_down_ms, consecutive_failures, tokens, tokens_at,"
            + " effective_rate, in_flight, last_error";
    /** How many columns {@link #COLUMNS} has. */
    static final int COLUMN_COUNT = 24;

    private SourceRows() {
    }

    /** The policy of the row whose columns start at {@code at}, or null when it has none of its own. */
    static SourcePolicy policy(ResultSet rs, int at) throws SQLException {
        if (!rs.getBoolean(at + 1)) {
            return null;
        }
        SourcePolicy.Builder b = SourcePolicy.builder();
        int cap = rs.getInt(at + 2);
        if (!rs.wasNull()) {
            b.concurrency(cap);
        }
        long permits = rs.getLong(at + 3);
        if (!rs.wasNull()) {
            ChronoUnit per = switch (rs.getString(at + 4)) {
                case "m" -> ChronoUnit.MINUTES;
                case "h" -> ChronoUnit.HOURS;
                default -> ChronoUnit.SECONDS;
            };
            b.rate(new SourcePolicy.Rate(permits, per, rs.getInt(at + 5)));
        }
        int failures = rs.getInt(at + 6);
        Duration from = Duration.ofMillis(rs.getLong(at + 7));
        Duration to = Duration.ofMillis(rs.getLong(at + 8));
        if (rs.wasNull()) {
            from = SourcePolicy.DEFAULT_COOL_DOWN_FROM;
            to = SourcePolicy.DEFAULT_COOL_DOWN_TO;
        }
        if (failures > 0) {
            b.breaker(failures, from, to);
        } else {
            b.breakerOff().breaker(1, from, to).breakerOff();
        }
        long hint = rs.getLong(at + 9);
        if (!rs.wasNull()) {
            b.throttle(Duration.ofMillis(hint), Duration.ofMillis(rs.getLong(at + 10)));
        }
        return b.build();
    }

    /** The state of the row whose columns start at {@code at} (its own policy included). */
    static SourceState state(ResultSet rs, int at) throws SQLException {
        SourceState s = new SourceState(rs.getString(at));
        s.policy = policy(rs, at);
        s.paused = rs.getBoolean(at + 11);
        s.pauseReason = rs.getString(at + 12);
        s.blockedUntil = instant(rs, at + 13);
        s.blockReason = rs.getString(at + 14);
        s.circuit = SourceState.Circuit.values()[rs.getInt(at + 15)];
        s.openUntil = instant(rs, at + 16);
        long cool = rs.getLong(at + 17);
        s.coolDown = rs.wasNull() ? null : Duration.ofMillis(cool);
        s.consecutiveFailures = rs.getInt(at + 18);
        s.tokens = rs.getDouble(at + 19);
        s.tokensAt = instant(rs, at + 20);
        s.effectiveRate = rs.getDouble(at + 21);
        s.inFlight = rs.getInt(at + 22);
        s.lastError = rs.getString(at + 23);
        return s;
    }

    /** Binds a policy's columns (own_policy .. throttle_max_ms, 10 parameters) from {@code at}; null: none. */
    static int bindPolicy(PreparedStatement ps, int at, SourcePolicy p) throws SQLException {
        ps.setBoolean(at, p != null);
        setInt(ps, at + 1, p == null || p.concurrency().isEmpty() ? null : p.concurrency().getAsInt());
        SourcePolicy.Rate r = p == null ? null : p.rate().orElse(null);
        setLong(ps, at + 2, r == null ? null : r.permits());
        ps.setString(at + 3, r == null ? null : r.toString().substring(r.toString().indexOf('/') + 1));
        setInt(ps, at + 4, r == null ? null : r.burst());
        setInt(ps, at + 5, p == null || p.breakerFailures().isEmpty() ? null : p.breakerFailures().getAsInt());
        setLong(ps, at + 6, p == null ? null : p.coolDownFrom().toMillis());
        setLong(ps, at + 7, p == null ? null : p.coolDownTo().toMillis());
        setLong(ps, at + 8, p == null ? null : p.throttleWithoutHint().toMillis());
        setLong(ps, at + 9, p == null ? null : p.throttleMax().toMillis());
        return at + 10;
    }

    /** Writes the state columns of {@code s} (not its policy, not its in-flight count: SQL keeps that). */
    static void writeState(Connection c, String table, SourceState s, SourcePolicy p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET blocked_until = ?, block_reason = ?,"
                + " circuit = ?, open_until = ?, cool_down_ms = ?, consecutive_failures = ?, tokens = ?, tokens_at = ?,"
                + " effective_rate = ?, full_rate = ?, last_error = ?, updated_at = now() WHERE source = ?")) {
            ps.setObject(1, timestamp(s.blockedUntil));
            ps.setString(2, s.blockReason);
            ps.setInt(3, s.circuit.ordinal());
            ps.setObject(4, timestamp(s.openUntil));
            setLong(ps, 5, s.coolDown == null ? null : s.coolDown.toMillis());
            ps.setInt(6, s.consecutiveFailures);
            ps.setDouble(7, s.tokens);
            ps.setObject(8, timestamp(s.tokensAt));
            ps.setDouble(9, s.effectiveRate);
            ps.setDouble(10, p.rate().map(SourcePolicy.Rate::perSecondValue).orElse(0.0));
            ps.setString(11, s.lastError);
            ps.setString(12, s.source);
            ps.executeUpdate();
        }
    }

    /** Appends source events (actor and message already cleaned by {@link SourceState#event}). */
    static void insertEvents(Connection c, String table, List<SourceEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (source, type, actor, message)"
                + " VALUES (?, ?, ?, ?)")) {
            for (SourceEvent e : events) {
                ps.setString(1, e.source());
                ps.setString(2, e.type().name());
                ps.setString(3, e.actor());
                ps.setString(4, e.message());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A timestamptz column as an instant, or null. */
    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** An instant to bind to a timestamptz parameter. */
    static OffsetDateTime timestamp(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    /** The database's now, the default policy (null: built-in) and the pause of all sources. */
    record Default(Instant now, SourcePolicy policy, boolean paused, String reason) {
    }

    /** The default row read at {@code nowAt} (the clock) and {@code at} (its columns, all null: no row). */
    static Default defaults(ResultSet rs, int nowAt, int at) throws SQLException {
        Instant now = instant(rs, nowAt);
        if (rs.getString(at) == null) {
            return new Default(now, null, false, null);
        }
        SourceState s = state(rs, at);
        return new Default(now, s.policy, s.paused, s.pauseReason);
    }

    /** The database's now, and the row of all sources ({@code '*'}) of the sources table {@code table}. */
    static Default readDefault(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT now(), ds.* FROM (SELECT 1) one LEFT JOIN LATERAL"
                + " (SELECT " + COLUMNS + " FROM " + table + " WHERE source = '" + PostgresSources.ALL + "') ds ON true");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return defaults(rs, 1, 2);
        }
    }
}
