package dev.docket.web.internal;

import dev.docket.queue.JobStatus;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StoreException;
import dev.docket.queue.jdbc.internal.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overview's figures at a cost that does not grow with the table: counting a million finished jobs every
 * second would cost the database more than the drain it watches. PENDING and PROCESSING are counted exactly at
 * every refresh (their partial indexes are small). Finished jobs are counted in full once, then kept up to date
 * from the {@code completed_at} index: each refresh reads only the jobs finished since a watermark that trails
 * the database clock by {@link #LAG} (a finishing transaction is shorter than that), and a full recount every
 * {@link #RESYNC} (or after a dashboard action) catches what the index cannot show: jobs purged, or retried
 * after they passed the watermark. Completions per minute for the chart come from the same reads.
 * Thread-safe (synchronized).
 */
final class QueueTotals {
    private static final Logger log = LoggerFactory.getLogger(QueueTotals.class);
    static final Duration LAG = Duration.ofSeconds(5);
    static final Duration RESYNC = Duration.ofMinutes(5);
    /** Minutes of per-minute counts kept (the day chart). */
    static final int KEEP_MINUTES = 1440;
    private final DataSource dataSource;
    private final String queue;
    /** Finished jobs by status with completed_at before the watermark. */
    private final long[] base = new long[6];
    /** Epoch minute → {completed, failed} before the watermark. */
    private final TreeMap<Long, long[]> minutes = new TreeMap<>();
    private long watermark = Long.MIN_VALUE;
    private Instant resyncedAt;
    private final Duration lag;

    QueueTotals(DataSource dataSource, String schema) {
        this(dataSource, schema, LAG);
    }

    /** With another watermark lag (tests: 0, so that every read moves the watermark). */
    QueueTotals(DataSource dataSource, String schema, Duration lag) {
        this.dataSource = dataSource;
        this.lag = lag;
        this.queue = SqlIdentifiers.quote(SqlIdentifiers.requireSchema("schema", schema)) + ".extraction_queue";
    }

    /** The figures now and the last {@code chartMinutes} minutes of completions. */
    record Figures(QueueStats stats, DashboardData.Throughput throughput) {
    }

    /** Forces a full recount at the next read (after an action of this dashboard). */
    synchronized void invalidate() {
        resyncedAt = null;
    }

    synchronized Figures read(int chartMinutes) {
        try (Connection c = dataSource.getConnection()) {
            Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
            Instant now;
            Instant oldestPending;
            try (PreparedStatement ps = c.prepareStatement("SELECT now(),"
                    + " (SELECT count(*) FROM " + queue + " WHERE status_id = 1),"
                    + " (SELECT count(*) FROM " + queue + " WHERE status_id = 2),"
                    // the first entry of extraction_queue_pending_created_idx (V5); min() would read them all
                    + " (SELECT created_at FROM " + queue + " WHERE status_id = 1 AND run_after <= now()"
                    + " ORDER BY created_at LIMIT 1)");
                    ResultSet rs = query(ps)) {
                rs.next();
                now = rs.getTimestamp(1).toInstant();
                counts.put(JobStatus.PENDING, rs.getLong(2));
                counts.put(JobStatus.PROCESSING, rs.getLong(3));
                Timestamp t = rs.getTimestamp(4);
                oldestPending = t == null ? null : t.toInstant();
            }
            long target = now.minus(lag).getEpochSecond();
            if (resyncedAt == null || Duration.between(resyncedAt, now).compareTo(RESYNC) >= 0 || target < watermark) {
                resync(c, target, now);
            } else if (target > watermark) {
                add(c, watermark, target, base, minutes);
                watermark = target;
                minutes.headMap(target / 60 - KEEP_MINUTES).clear();
            }
            long[] total = base.clone();
            TreeMap<Long, long[]> all = copy(minutes);
            add(c, watermark, Long.MAX_VALUE, total, all);
            counts.put(JobStatus.COMPLETED, total[3]);
            counts.put(JobStatus.FAILED, total[4]);
            counts.put(JobStatus.CANCELLED, total[5]);
            long current = Math.floorDiv(now.getEpochSecond(), 60);
            long[] last5 = sum(all, current - 4, current);
            long[] last60 = sum(all, current - 59, current);
            QueueStats stats = new QueueStats(counts, oldestPending, last5[0], last5[1], last60[0], last60[1], now);
            long first = current - chartMinutes + 1;
            long[] completed = new long[chartMinutes];
            long[] failed = new long[chartMinutes];
            for (Map.Entry<Long, long[]> e : all.subMap(first, true, current, true).entrySet()) {
                completed[(int) (e.getKey() - first)] = e.getValue()[0];
                failed[(int) (e.getKey() - first)] = e.getValue()[1];
            }
            return new Figures(stats, new DashboardData.Throughput(now, first, completed, failed));
        } catch (SQLException e) {
            throw new StoreException("dashboard: cannot read the queue's figures: " + e.getMessage(), false, e);
        }
    }

    private void resync(Connection c, long target, Instant now) throws SQLException {
        long t0 = System.nanoTime();
        java.util.Arrays.fill(base, 0);
        minutes.clear();
        try (PreparedStatement ps = c.prepareStatement("SELECT status_id, count(*) FROM " + queue
                + " WHERE status_id IN (3, 4, 5) AND (completed_at < to_timestamp(?) OR completed_at IS NULL)"
                + " GROUP BY status_id")) {
            ps.setLong(1, target);
            try (ResultSet rs = query(ps)) {
                while (rs.next()) {
                    base[rs.getInt(1)] = rs.getLong(2);
                }
            }
        }
        long from = (Math.floorDiv(target, 60) - KEEP_MINUTES) * 60;
        add(c, from, target, null, minutes);
        watermark = target;
        resyncedAt = now;
        log.debug("dashboard: recounted finished jobs in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /** Adds the jobs finished in [from, to) to {@code totals} (when not null) and {@code perMinute}. */
    private void add(Connection c, long from, long to, long[] totals, TreeMap<Long, long[]> perMinute)
            throws SQLException {
        boolean open = to == Long.MAX_VALUE;
        try (PreparedStatement ps = c.prepareStatement("SELECT floor(extract(epoch FROM completed_at) / 60)::bigint,"
                + " status_id, count(*) FROM " + queue + " WHERE status_id IN (3, 4, 5)"
                + " AND completed_at >= to_timestamp(?)" + (open ? "" : " AND completed_at < to_timestamp(?)")
                + " GROUP BY 1, 2")) {
            ps.setLong(1, from);
            if (!open) {
                ps.setLong(2, to);
            }
            try (ResultSet rs = query(ps)) {
                while (rs.next()) {
                    long minute = rs.getLong(1);
                    int status = rs.getInt(2);
                    long n = rs.getLong(3);
                    if (totals != null) {
                        totals[status] += n;
                    }
                    if (status == 3 || status == 4) {
                        perMinute.computeIfAbsent(minute, m -> new long[2])[status - 3] += n;
                    }
                }
            }
        }
    }

    private static ResultSet query(PreparedStatement ps) throws SQLException {
        ps.setQueryTimeout(DashboardData.QUERY_TIMEOUT_S);
        return ps.executeQuery();
    }

    private static TreeMap<Long, long[]> copy(TreeMap<Long, long[]> m) {
        TreeMap<Long, long[]> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    private static long[] sum(TreeMap<Long, long[]> m, long from, long to) {
        long[] s = new long[2];
        for (long[] v : m.subMap(from, true, to, true).values()) {
            s[0] += v[0];
            s[1] += v[1];
        }
        return s;
    }
}
