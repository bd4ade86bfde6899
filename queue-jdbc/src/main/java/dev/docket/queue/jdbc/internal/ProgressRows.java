package dev.docket.queue.jdbc.internal;

import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobProgress;
import dev.docket.queue.spi.WorkerHeartbeat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The progress statements of {@code PostgresJobStore} (table {@code job_progress}, migration V3) and the listing
 * of purgeable events (failure snapshots to remove before their job goes).
 */
public final class ProgressRows {
    private ProgressRows() {
    }

    /**
     * Upserts the heartbeat's progress, on the heartbeat's connection right after its lease renewal: only jobs
     * still PROCESSING under the lease that reported it are kept. Nothing is sent when there is no progress.
     */
    public static void save(Connection c, JobSql sql, WorkerHeartbeat heartbeat) throws SQLException {
        List<JobProgress> progress = heartbeat.progress();
        if (progress.isEmpty()) {
            return;
        }
        java.util.Map<Long, UUID> tokens = new java.util.HashMap<>();
        heartbeat.leases().forEach(l -> tokens.put(l.jobId(), l.token()));
        List<JobProgress> sent = new ArrayList<>();
        for (JobProgress p : progress) {
            if (tokens.containsKey(p.jobId())) {
                sent.add(p);
            }
        }
        int n = sent.size();
        if (n == 0) {
            return;
        }
        Long[] ids = new Long[n];
        UUID[] leaseTokens = new UUID[n];
        Integer[] attempts = new Integer[n];
        String[] steps = new String[n];
        Double[] fractions = new Double[n];
        for (int i = 0; i < n; i++) {
            JobProgress p = sent.get(i);
            ids[i] = p.jobId();
            leaseTokens[i] = tokens.get(p.jobId());
            attempts[i] = p.attempt();
            steps[i] = p.step();
            fractions[i] = p.fraction();
        }
        try (PreparedStatement ps = c.prepareStatement(sql.saveProgress)) {
            ps.setString(1, heartbeat.worker().workerId());
            ArrayParams.bind(c, ps, 2, ids, leaseTokens, attempts, steps, fractions);
            ps.executeUpdate();
        }
    }

    /** The stored progress of {@code jobIds}. */
    public static List<JobProgress> find(Connection c, JobSql sql, Collection<Long> jobIds) throws SQLException {
        List<JobProgress> out = new ArrayList<>();
        if (jobIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(sql.findProgress)) {
            ArrayParams.bind(c, ps, 1, jobIds.toArray(new Long[0]));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new JobProgress(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            rs.getDouble(5), JobRows.instant(rs, 6)));
                }
            }
        }
        return out;
    }

    /** The {@code type} events of the jobs {@code purge(olderThan)} would delete now, oldest first. */
    public static List<JobEvent> eventsOfPurgeable(Connection c, JobSql sql, Duration olderThan, JobEventType type,
            int limit) throws SQLException {
        List<JobEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.eventsOfPurgeable)) {
            ps.setLong(1, olderThan.toMillis());
            ps.setString(2, type.name());
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(JobRows.event(rs));
                }
            }
        }
        return out;
    }
}
