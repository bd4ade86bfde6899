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
 * from the {@code completed_at} index: each refresh reads only the jobs finished since a watermark, in one
 * statement, and settles those before the new watermark into the kept totals. A finishing write stamps
 * {@code completed_at} with its transaction's start, so the watermark may pass a time only when no transaction
 * that started before it can still commit: it stays at the start of the oldest transaction open in the database
 * (less a {@link #MARGIN}), read from {@code pg_stat_activity}, and never trails the database clock by more than
 * {@link #MAX_LAG} (nor by less when the dashboard's role cannot see the other sessions' transactions: grant it
 * {@code pg_read_all_stats}). During a drain the read covers about one refresh interval of finished jobs instead
 * of the {@code MAX_LAG} it would otherwise re-read every time. A recount of the totals every {@link #RESYNC}
 * (or after a dashboard action) catches what the index cannot show: jobs purged, or retried after they passed
 * the watermark. Completions per minute for the chart come from the same reads (the last day's are read once,
 * at the first read). Thread-safe (synchronized).
 */
final class QueueTotals {
    private static final Logger log = LoggerFactory.getLogger(QueueTotals.class);
    /** The most the watermark trails the database clock: longer transactions are taken not to finish jobs. */
    static final Duration MAX_LAG = Duration.ofSeconds(5);
    /** How far the watermark stays before the oldest open transaction's start (and the clock). */
    static final Duration MARGIN = Duration.ofMillis(100);
    static final Duration RESYNC = Duration.ofMinutes(5);
    /**
     * The epoch minute a job finished in. date_part is double precision; extract() is numeric since PostgreSQL 14
     * and costs twice as much per row.
     */
    private static final String MINUTE = "floor(date_part('epoch', completed_at) / 60)::bigint";
    /** Minutes of per-minute counts kept (the day chart). */
    static final int KEEP_MINUTES = 1440;
    private final DataSource dataSource;
    private final String queue;
    /** Finished jobs by status with completed_at before the watermark. */
    private final long[] base = new long[6];
    /** Epoch minute → {completed, failed} before the watermark. */
    private final TreeMap<Long, long[]> minutes = new TreeMap<>();
    /** Microseconds since the epoch; jobs finished before it are in {@link #base} and {@link #minutes}. */
    private long watermark = Long.MIN_VALUE;
    private Instant resyncedAt;
    private final Duration maxLag;
    private final Duration margin;

    QueueTotals(DataSource dataSource, String schema) {
        this(dataSource, schema, MAX_LAG, MARGIN);
    }

    /** With another lag and margin (tests: a margin of 0, so that every read moves the watermark to the clock). */
    QueueTotals(DataSource dataSource, String schema, Duration maxLag, Duration margin) {
        this.dataSource = dataSource;
        this.maxLag = maxLag;
        this.margin = margin;
        this.queue = SqlIdentifiers.quote(SqlIdentifiers.requireSchema("schema", schema)) + ".extraction_queue";
    }

    /** The figures now and the last {@code chartMinutes} minutes of completions. */
    record Figures(QueueStats stats, DashboardData.Throughput throughput) {
    }

    /** Forces a full recount at the next read (after an action of this dashboard). */
    synchronized void invalidate() {
        resyncedAt = null;
    }

    /**
     * Where the watermark may move to, in microseconds since the epoch: the start of the oldest transaction open
     * in the database ({@code null}: none) less the margin, at most the clock less the margin and at least the
     * clock less {@code maxLag}; the clock less {@code maxLag} when the others' transactions cannot be seen.
     */
    static long safeWatermark(long nowMicros, Long oldestOpenMicros, boolean othersVisible, Duration maxLag,
            Duration margin) {
        long floor = nowMicros - micros(maxLag);
        if (!othersVisible) {
            return floor;
        }
        long upTo = Math.min(nowMicros, oldestOpenMicros == null ? Long.MAX_VALUE : oldestOpenMicros) - micros(margin);
        return Math.max(floor, upTo);
    }

    synchronized Figures read(int chartMinutes) {
        try (Connection c = dataSource.getConnection()) {
            Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
            Instant now;
            Instant oldestPending;
            long target;
            try (PreparedStatement ps = c.prepareStatement("SELECT now(),"
                    + " (SELECT count(*) FROM " + queue + " WHERE status_id = 1),"
                    + " (SELECT count(*) FROM " + queue + " WHERE status_id = 2),"
                    // the first entry of extraction_queue_pending_created_idx (V5); min() would read them all
                    + " (SELECT created_at FROM " + queue + " WHERE status_id = 1 AND run_after <= now()"
                    + " ORDER BY created_at LIMIT 1),"
                    // the oldest transaction that may still stamp completed_at, and whether all can be seen
                    // (another role's sessions show a null state without pg_read_all_stats)
                    + " a.oldest, a.hidden FROM (SELECT min(xact_start) AS oldest, bool_or(state IS NULL) AS hidden"
                    + " FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'"
                    + " AND pid <> pg_backend_pid()) a");
                    ResultSet rs = query(ps)) {
                rs.next();
                now = rs.getTimestamp(1).toInstant();
                counts.put(JobStatus.PENDING, rs.getLong(2));
                counts.put(JobStatus.PROCESSING, rs.getLong(3));
                Timestamp t = rs.getTimestamp(4);
                oldestPending = t == null ? null : t.toInstant();
                Timestamp oldest = rs.getTimestamp(5);
                target = safeWatermark(micros(now), oldest == null ? null : micros(oldest.toInstant()),
                        !rs.getBoolean(6), maxLag, margin);
            }
            if (watermark == Long.MIN_VALUE || micros(now) < watermark) {
                resync(c, target); // the first read, or the database clock went back before the watermark
                resyncedAt = now;
            } else if (resyncedAt == null || Duration.between(resyncedAt, now).compareTo(RESYNC) >= 0) {
                recount(c);
                resyncedAt = now;
            }
            // jobs finished from the watermark on: those before the target are settled into the kept totals
            long[] total = base.clone();
            TreeMap<Long, long[]> all = copy(minutes);
            boolean advance = target > watermark;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + MINUTE + ","
                    + " status_id, completed_at < ?, count(*) FROM " + queue + " WHERE status_id IN (3, 4, 5)"
                    + " AND completed_at >= ? GROUP BY 1, 2, 3")) {
                ps.setTimestamp(1, timestamp(advance ? target : watermark));
                ps.setTimestamp(2, timestamp(watermark));
                try (ResultSet rs = query(ps)) {
                    while (rs.next()) {
                        long minute = rs.getLong(1);
                        int status = rs.getInt(2);
                        long n = rs.getLong(4);
                        count(total, all, minute, status, n);
                        if (rs.getBoolean(3)) {
                            count(base, minutes, minute, status, n);
                        }
                    }
                }
            }
            if (advance) {
                watermark = target;
                minutes.headMap(Math.floorDiv(target, 60_000_000L) - KEEP_MINUTES).clear();
            }
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

    /** Counts the jobs finished before {@code target} in full: the kept totals and the kept minutes of the chart. */
    private void resync(Connection c, long target) throws SQLException {
        long t0 = System.nanoTime();
        watermark = target;
        recount(c);
        minutes.clear();
        long from = (Math.floorDiv(target, 60_000_000L) - KEEP_MINUTES) * 60_000_000L;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + MINUTE + ", status_id, count(*) FROM " + queue
                + " WHERE status_id IN (3, 4) AND completed_at >= ? AND completed_at < ? GROUP BY 1, 2")) {
            ps.setTimestamp(1, timestamp(from));
            ps.setTimestamp(2, timestamp(target));
            try (ResultSet rs = query(ps)) {
                while (rs.next()) {
                    count(null, minutes, rs.getLong(1), rs.getInt(2), rs.getLong(3));
                }
            }
        }
        log.debug("dashboard: counted the finished jobs and the last day's minutes in {} ms",
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Recounts the finished jobs before the watermark (a scan of the table: at most every {@link #RESYNC}), which
     * catches jobs purged or retried by other tools. The chart's minutes are kept: they say when jobs finished,
     * which a later purge or retry does not undo.
     */
    private void recount(Connection c) throws SQLException {
        java.util.Arrays.fill(base, 0);
        try (PreparedStatement ps = c.prepareStatement("SELECT status_id, count(*) FROM " + queue
                + " WHERE status_id IN (3, 4, 5) AND (completed_at < ? OR completed_at IS NULL)"
                + " GROUP BY status_id")) {
            ps.setTimestamp(1, timestamp(watermark));
            try (ResultSet rs = query(ps)) {
                while (rs.next()) {
                    base[rs.getInt(1)] = rs.getLong(2);
                }
            }
        }
    }

    /** Adds {@code n} jobs of {@code status} finished in {@code minute} to {@code totals} (when not null) and the chart. */
    private static void count(long[] totals, TreeMap<Long, long[]> perMinute, long minute, int status, long n) {
        if (totals != null) {
            totals[status] += n;
        }
        if (status == 3 || status == 4) {
            perMinute.computeIfAbsent(minute, m -> new long[2])[status - 3] += n;
        }
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1_000;
    }

    private static Timestamp timestamp(long micros) {
        Timestamp t = new Timestamp(Math.floorDiv(micros, 1_000_000L) * 1_000);
        t.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1_000);
        return t;
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
