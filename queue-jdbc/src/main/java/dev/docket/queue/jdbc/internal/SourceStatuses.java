package dev.docket.queue.jdbc.internal;

import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.internal.SourceState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What operators read about the sources ({@link PostgresSources}' read side): their statuses with the figures of
 * the last 60 minutes, and their events. Stateless beyond its SQL; thread-safe.
 */
final class SourceStatuses {
    private final String queue;
    private final String table;
    private final String events;

    /**
     * PENDING and PROCESSING jobs by source, from the two partial indexes ({@code status_id IN (1, 2)} matches
     * neither index's predicate, so PostgreSQL would scan the whole table).
     */
    private static final String LIVE_COUNTS = """
            SELECT source, sum(pending) AS pending, sum(processing) AS processing FROM (
                SELECT document_source AS source, count(*) AS pending, 0 AS processing FROM %1$s WHERE status_id = 1
                GROUP BY 1
                UNION ALL
                SELECT document_source, 0, count(*) FROM %1$s WHERE status_id = 2 GROUP BY 1) live GROUP BY 1
            """;

    SourceStatuses(String queue, String table, String events) {
        this.queue = queue;
        this.table = table;
        this.events = events;
    }

    /** The newest {@code limit} events of {@code source} (null: all), oldest first. */
    public List<SourceEvent> events(Connection c, String source, int limit) throws SQLException {
        List<SourceEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT source, type, actor, message, created_at FROM ("
                + "SELECT * FROM " + events + " WHERE ?::text IS NULL OR source = ? ORDER BY id DESC LIMIT ?) e"
                + " ORDER BY id")) {
            ps.setString(1, source);
            ps.setString(2, source);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SourceEvent(rs.getString(1), SourceEvent.Type.valueOf(rs.getString(2)), rs.getString(3),
                            rs.getString(4), SourceRows.instant(rs, 5)));
                }
            }
        }
        return out;
    }

    /** Every source with live jobs, jobs finished in the last 60 minutes, or a row, by name. */
    public List<SourceStatus> statuses(Connection c) throws SQLException {
        String sql = """
                WITH j AS (%4$s), f AS (
                  SELECT document_source AS source, count(*) FILTER (WHERE status_id = 3) AS completed,
                    count(*) FILTER (WHERE status_id = 4) AS failed,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY completed_at - processing_started_at)
                      FILTER (WHERE status_id = 3 AND processing_started_at IS NOT NULL) AS p50,
                    percentile_disc(0.95) WITHIN GROUP (ORDER BY completed_at - processing_started_at)
                      FILTER (WHERE status_id = 3 AND processing_started_at IS NOT NULL) AS p95
                  FROM %1$s WHERE status_id IN (3, 4) AND completed_at >= now() - interval '60 minutes' GROUP BY 1
                ), e AS (
                  SELECT DISTINCT ON (document_source) document_source AS source, last_error
                  FROM %1$s WHERE status_id IN (1, 4) AND last_error IS NOT NULL
                    AND updated_at >= now() - interval '60 minutes'
                  ORDER BY document_source, updated_at DESC, id DESC
                ), names AS (
                  SELECT source FROM j UNION SELECT source FROM f UNION SELECT source FROM %2$s WHERE source <> '*'
                )
                SELECT now(), coalesce(j.pending, 0), coalesce(j.processing, 0), coalesce(f.completed, 0),
                  coalesce(f.failed, 0), (extract(epoch FROM f.p50) * 1000000)::bigint,
                  (extract(epoch FROM f.p95) * 1000000)::bigint, n.source, e.last_error, ds.*
                FROM names n LEFT JOIN j USING (source) LEFT JOIN f USING (source) LEFT JOIN e USING (source)
                LEFT JOIN LATERAL (SELECT %3$s FROM %2$s x WHERE x.source = n.source) ds ON true
                ORDER BY n.source""".formatted(queue, table, SourceRows.COLUMNS, LIVE_COUNTS.formatted(queue));
        return read(c, sql);
    }

    /**
     * Every source with live jobs or a row, by name, without the figures of the last 60 minutes (no finished
     * counts, percentiles or job errors: the last error is the source row's): only the small PENDING and
     * PROCESSING partial indexes and the sources table are read, whatever the size of the history.
     */
    public List<SourceStatus> statusesForAlerts(Connection c) throws SQLException {
        String sql = """
                WITH j AS (%4$s), names AS (
                  SELECT source FROM j UNION SELECT source FROM %2$s WHERE source <> '*'
                )
                SELECT now(), coalesce(j.pending, 0), coalesce(j.processing, 0), 0::bigint, 0::bigint,
                  NULL::bigint, NULL::bigint, n.source, NULL::text, ds.*
                FROM names n LEFT JOIN j USING (source)
                LEFT JOIN LATERAL (SELECT %3$s FROM %2$s x WHERE x.source = n.source) ds ON true
                ORDER BY n.source""".formatted(queue, table, SourceRows.COLUMNS, LIVE_COUNTS.formatted(queue));
        return read(c, sql);
    }

    private List<SourceStatus> read(Connection c, String sql) throws SQLException {
        List<SourceStatus> out = new ArrayList<>();
        SourceRows.Default d = SourceRows.readDefault(c, table);
        SourcePolicy fallback = d.policy() == null ? SourcePolicy.defaults() : d.policy();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant now = SourceRows.instant(rs, 1);
                SourceState s = rs.getString(10) == null ? new SourceState(rs.getString(8)) : SourceRows.state(rs, 10);
                long p50 = rs.getLong(6);
                Duration m50 = rs.wasNull() ? null : Duration.ofNanos(p50 * 1000);
                long p95 = rs.getLong(7);
                Duration m95 = rs.wasNull() ? null : Duration.ofNanos(p95 * 1000);
                out.add(s.status(s.policy != null ? s.policy : fallback, s.policy != null,
                        d.paused() ? d.reason() : null,
                        new SourceState.Figures(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), m50, m95,
                                rs.getString(9)),
                        now));
            }
        }
        return out;
    }
}
