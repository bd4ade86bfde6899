package dev.docket.web.internal;

import dev.docket.queue.JobStatus;
import dev.docket.queue.StoreException;
import dev.docket.queue.jdbc.internal.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;

/**
 * The dashboard's own read-only SQL, for what the store SPI does not offer: a filtered page of jobs (keyset on
 * id: no OFFSET, no COUNT) and completions per minute. Identifiers are validated, values bound, and every
 * statement has a timeout, so a slow filter cannot hold a connection for long.
 */
public final class DashboardData {
    /** Seconds a dashboard statement may run. */
    static final int QUERY_TIMEOUT_S = 5;
    private final DataSource dataSource;
    private final String queue;

    public DashboardData(DataSource dataSource, String schema) {
        this.dataSource = dataSource;
        this.queue = SqlIdentifiers.quote(SqlIdentifiers.requireSchema("schema", schema)) + ".extraction_queue";
    }

    /** Completed and failed jobs per minute from {@code firstMinute} (epoch minutes), oldest first, zeros included. */
    public record Throughput(Instant now, long firstMinute, long[] completed, long[] failed) {
    }

    /** One row of the job list. */
    public record JobRow(long id, JobStatus status, String source, String number, int attempts, int maxAttempts,
            String workerId, Instant createdAt, Instant updatedAt, String lastError) {
    }

    /** The list's filters; every one optional. */
    public record JobFilter(JobStatus status, String source, String number, Instant from, Instant to) {
        public boolean isEmpty() {
            return status == null && source == null && number == null && from == null && to == null;
        }
    }

    /**
     * A page, newest first, with the cursors of its neighbours.
     *
     * @param older the {@code before} cursor of the next (older) page, or null when this is the last
     * @param newer the {@code after} cursor of the previous (newer) page, or null when this is the first
     */
    public record JobPage(List<JobRow> rows, Long older, Long newer) {
    }

    /**
     * The {@code limit} newest jobs matching the filter with id below {@code before} (or, when {@code after}
     * is given instead, the ones just above it).
     */
    public JobPage jobs(JobFilter f, Long before, Long after, int limit) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> args = new ArrayList<>();
        if (f.status() != null) {
            where.append(" AND status_id = ?");
            args.add((short) f.status().code());
        }
        if (f.source() != null) {
            where.append(" AND document_source = ?");
            args.add(f.source());
        }
        if (f.number() != null) {
            where.append(" AND document_number LIKE ? ESCAPE '\\'");
            args.add(f.number().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (f.from() != null) {
            where.append(" AND created_at >= ?");
            args.add(Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            where.append(" AND created_at < ?");
            args.add(Timestamp.from(f.to()));
        }
        boolean backwards = before == null && after != null;
        if (before != null) {
            where.append(" AND id < ?");
            args.add(before);
        } else if (after != null) {
            where.append(" AND id > ?");
            args.add(after);
        }
        String sql = "SELECT id, status_id, document_source, document_number, attempts, max_attempts, worker_id,"
                + " created_at, updated_at, left(last_error, 300) FROM " + queue + where
                + " ORDER BY id " + (backwards ? "ASC" : "DESC") + " LIMIT ?";
        args.add(limit + 1);
        List<JobRow> rows = query("read a page of jobs", sql, ps -> {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
        }, rs -> {
            List<JobRow> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new JobRow(rs.getLong(1), JobStatus.fromCode(rs.getInt(2)), rs.getString(3), rs.getString(4),
                        rs.getInt(5), rs.getInt(6), rs.getString(7), rs.getTimestamp(8).toInstant(),
                        rs.getTimestamp(9).toInstant(), rs.getString(10)));
            }
            return out;
        });
        boolean more = rows.size() > limit;
        if (more) {
            rows = new ArrayList<>(rows.subList(0, limit));
        }
        if (backwards) {
            Collections.reverse(rows);
        }
        if (rows.isEmpty()) {
            return new JobPage(rows, null, null);
        }
        long newest = rows.get(0).id();
        long oldest = rows.get(rows.size() - 1).id();
        Long older = backwards ? Long.valueOf(oldest) : more ? Long.valueOf(oldest) : null;
        Long newer = backwards ? (more ? Long.valueOf(newest) : null) : before == null ? null : Long.valueOf(newest);
        return new JobPage(rows, older, newer);
    }

    /**
     * The alerts of {@code docket check-db} about what holds back vacuum: the oldest transaction holding a snapshot
     * or transaction id, and the oldest prepared transaction, when open longer than {@code threshold}.
     */
    public List<String> vacuumAlerts(java.time.Duration threshold) {
        String sql = "SELECT 'transaction of pid ' || pid || ' (user ' || coalesce(usename, '?') || ', application '''"
                + " || coalesce(application_name, '') || ''', ' || coalesce(state, '?') || ')',"
                + " extract(epoch FROM (clock_timestamp() - xact_start))::bigint FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
                + " AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)"
                + " AND coalesce(backend_type, '') <> 'autovacuum worker'"
                + " AND clock_timestamp() - xact_start > ? * interval '1 second'"
                + " UNION ALL (SELECT 'prepared transaction ''' || gid || '''',"
                + " extract(epoch FROM (clock_timestamp() - prepared))::bigint FROM pg_prepared_xacts"
                + " WHERE database = current_database() AND clock_timestamp() - prepared > ? * interval '1 second')"
                + " ORDER BY 2 DESC LIMIT 5";
        return query("read what holds back vacuum", sql, ps -> {
            ps.setLong(1, threshold.toSeconds());
            ps.setLong(2, threshold.toSeconds());
        }, rs -> {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1) + " open for " + Html.duration(java.time.Duration.ofSeconds(rs.getLong(2)))
                        + " > " + Html.duration(threshold) + ": vacuum cannot remove dead rows newer than it (see"
                        + " docket check-db)");
            }
            return out;
        });
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String what, String sql, Binder binder, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(QUERY_TIMEOUT_S);
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new StoreException("dashboard: cannot " + what + ": " + e.getMessage(), false, e);
        }
    }
}
