package dev.docket.benchmarks.soak;

import dev.docket.benchmarks.BenchDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The end-of-run checks of the soak test, all against the database (the only source of truth):
 *
 * <ol>
 *   <li>no job lost: every enqueued id exists;</li>
 *   <li>every job terminal: none PENDING (unfinished) or PROCESSING (stuck);</li>
 *   <li>no double completion: each COMPLETED job has exactly one row in {@code soak_completion}
 *       (written by a trigger in the same transaction as the finishing write, so it counts committed
 *       transitions into COMPLETED, nothing else), and no COMPLETED row was ever changed;</li>
 *   <li>the completion is the claim's own: the token the finishing write was fenced by has a ledger
 *       row, the job's stored result (the document's SHA-256) is the SHA-256 of the document that claim
 *       produced, and that attempt's behaviour was a success;</li>
 *   <li>no claim extracted twice (ledger duplicates 0);</li>
 *   <li>every FAILED job has its error and a legitimate reason: a permanent error on its last
 *       attempt, or attempts exhausted (transient failures, timeouts, abandonment);</li>
 *   <li>every orphaned job (PROCESSING under a worker that was SIGKILLed or halted) left PROCESSING
 *       within lease + staleCheckInterval (+ any database cut overlapping, + slack).</li>
 * </ol>
 */
final class SoakChecks {
    /** Slack added to lease + staleCheckInterval for the orphan bound (a 2-core machine under load). */
    static final Duration RECOVERY_SLACK = Duration.ofSeconds(5);

    /** A job that was PROCESSING under a worker when it died. */
    record Orphan(long jobId, UUID token, String workerId, String kind, Instant diedAt) {
    }

    /** When a worker's runtime was up: from its STARTED line to its exit (null: still running at the end). */
    record Life(String workerId, Instant started, Instant exited) {
        boolean upAt(Instant t) {
            return !t.isBefore(started) && (exited == null || t.isBefore(exited));
        }
    }

    /** Faults injected, filled in by the runner. */
    static final class Faults {
        int sigkills;
        int sigterms;
        int halts;
        int cuts;
        double cutSeconds;
        int unexpectedExits;
        final List<Instant[]> cutWindows = new CopyOnWriteArrayList<>();
        final List<Orphan> orphans = new CopyOnWriteArrayList<>();
        final List<Life> lives = new CopyOnWriteArrayList<>();
    }

    private final BenchDatabase db;
    private final SoakConfig cfg;
    private final List<Long> ids;
    private final Faults faults;
    private final HostileInputs.Result hostile;

    SoakChecks(BenchDatabase db, SoakConfig cfg, List<Long> ids, Faults faults, HostileInputs.Result hostile) {
        this.db = db;
        this.cfg = cfg;
        this.ids = List.copyOf(ids);
        this.faults = faults;
        this.hostile = hostile;
    }

    SoakReport run() throws SQLException {
        SoakReport r = new SoakReport();
        r.cfg = cfg;
        r.faults = faults;
        r.hostile = hostile;
        String s = db.quotedSchema();
        try (Connection c = db.connect()) {
            Map<Long, Row> rows = rows(c, s);
            r.jobs = ids.size();
            for (long id : ids) {
                Row row = rows.get(id);
                if (row == null) {
                    r.lost++;
                    r.fail("job " + id + " was enqueued and is gone (lost)");
                    continue;
                }
                switch (row.status) {
                    case 1 -> {
                        r.unfinished++;
                        r.failOnce("unfinished", "job " + id + " is still PENDING after the drain");
                    }
                    case 2 -> {
                        r.stuck++;
                        r.failOnce("stuck", "job " + id + " is still PROCESSING (worker " + row.workerId
                                + ") after every worker stopped");
                    }
                    case 3 -> r.completed++;
                    case 4 -> r.failed++;
                    case 5 -> r.cancelled++;
                    default -> r.fail("job " + id + " has unknown status " + row.status);
                }
            }
            checkCompletions(c, s, rows, r);
            checkFailures(rows, r);
            r.duplicateClaimExtractions = scalar(c, "SELECT count(*) FROM " + s + ".soak_ledger WHERE duplicates > 0");
            if (r.duplicateClaimExtractions > 0) {
                r.fail(r.duplicateClaimExtractions + " claim(s) ran their extraction more than once");
            }
            r.reExecutedJobs = scalar(c, "SELECT count(*) FROM (SELECT job_id FROM " + s
                    + ".soak_ledger GROUP BY job_id HAVING count(*) > 1) x");
            r.documentsProduced = scalar(c, "SELECT count(*) FROM " + s + ".soak_ledger");
            r.claims = scalar(c, "SELECT count(*) FROM " + s + ".soak_claim");
            events(c, s, r);
            behaviours(c, s, r);
            orphans(c, s, r);
            throughput(c, s, r);
        }
        return r;
    }

    /** One job at the end. */
    record Row(long id, int status, int attempts, int maxAttempts, String lastError, String resultSha,
            String workerId) {
    }

    private Map<Long, Row> rows(Connection c, String s) throws SQLException {
        Map<Long, Row> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, status_id, attempts, max_attempts, last_error,"
                + " result->>'sha256', worker_id FROM " + s + ".extraction_queue WHERE id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("int8", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), new Row(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getInt(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return rows;
    }

    private void checkCompletions(Connection c, String s, Map<Long, Row> rows, SoakReport r) throws SQLException {
        Map<Long, Integer> completions = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.job_id, c.lease_token, c.result->>'sha256',"
                + " l.content_sha256, l.attempt FROM " + s + ".soak_completion c LEFT JOIN " + s
                + ".soak_ledger l ON l.job_id = c.job_id AND l.lease_token = c.lease_token");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                completions.merge(id, 1, Integer::sum);
                String written = rs.getString(3);
                String produced = rs.getString(4);
                if (produced == null) {
                    r.completionsWithoutClaimDocument++;
                    r.fail("job " + id + " was completed by a write fenced with lease " + rs.getObject(2)
                            + ", whose claim never produced a document");
                } else if (!produced.equals(written)) {
                    r.resultMismatches++;
                    r.fail("job " + id + ": the result written (sha256 " + written + ") is not the document of the"
                            + " claim whose lease fenced the write (sha256 " + produced + ")");
                } else if (!Behaviour.of(id, rs.getInt(5), cfg.seed()).succeeds()) {
                    r.fail("job " + id + " completed on attempt " + rs.getInt(5) + " whose behaviour was "
                            + Behaviour.of(id, rs.getInt(5), cfg.seed()));
                }
                Row row = rows.get(id);
                if (row != null && row.status == 3 && written != null && !written.equals(row.resultSha)) {
                    r.fail("job " + id + ": its stored result differs from the one its completion wrote");
                }
            }
        }
        for (Map.Entry<Long, Integer> e : completions.entrySet()) {
            if (e.getValue() > 1) {
                r.doubleCompletions++;
                r.fail("job " + e.getKey() + " was COMPLETED " + e.getValue() + " times");
            }
            Row row = rows.get(e.getKey());
            if (row != null && row.status != 3) {
                r.fail("job " + e.getKey() + " was completed and is now status " + row.status);
            }
        }
        for (Row row : rows.values()) {
            if (row.status == 3 && !completions.containsKey(row.id)) {
                r.fail("job " + row.id + " is COMPLETED but no finishing write into COMPLETED was recorded");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT job_id, what FROM " + s + ".soak_violation ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                r.violations++;
                r.fail("job " + rs.getLong(1) + ": " + rs.getString(2));
            }
        }
    }

    private void checkFailures(Map<Long, Row> rows, SoakReport r) {
        for (long id : ids) {
            Row row = rows.get(id);
            if (row == null || row.status != 4) {
                continue;
            }
            String e = row.lastError;
            if (e == null || e.isBlank()) {
                r.fail("job " + id + " is FAILED without an error");
                continue;
            }
            boolean exhausted = row.attempts >= row.maxAttempts;
            String kind;
            if (e.contains("soak: permanent failure")) {
                kind = "permanent error";
                if (Behaviour.of(id, row.attempts, cfg.seed()) != Behaviour.FAIL_PERMANENT) {
                    r.fail("job " + id + " FAILED with a permanent error but attempt " + row.attempts + " was "
                            + Behaviour.of(id, row.attempts, cfg.seed()));
                }
            } else if (e.contains("abandoned by worker") && exhausted) {
                kind = "abandoned on its last attempt (worker died)";
            } else if (e.contains("timed out") && exhausted) {
                kind = "timed out on its last attempt";
            } else if (e.startsWith("attempts exhausted") && exhausted) {
                kind = "attempts exhausted";
            } else {
                kind = "unexplained";
                r.fail("job " + id + " FAILED after " + row.attempts + "/" + row.maxAttempts + " attempts with an"
                        + " unexplained error: " + e);
            }
            r.failedByReason.merge(kind, 1L, Long::sum);
        }
    }

    private void events(Connection c, String s, SoakReport r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT type, count(*) FROM " + s
                + ".extraction_job_event GROUP BY type ORDER BY type"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                r.events.put(rs.getString(1), rs.getLong(2));
            }
        }
    }

    private void behaviours(Connection c, String s, SoakReport r) throws SQLException {
        Map<Behaviour, Long> counts = new EnumMap<>(Behaviour.class);
        try (PreparedStatement ps = c.prepareStatement("SELECT job_id, attempt FROM " + s + ".soak_claim");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.merge(Behaviour.of(rs.getLong(1), rs.getInt(2), cfg.seed()), 1L, Long::sum);
            }
        }
        r.behaviours = counts;
    }

    private void orphans(Connection c, String s, SoakReport r) throws SQLException {
        Duration base = cfg.lease().plus(cfg.staleCheck());
        Set<String> seen = new HashSet<>();
        for (Orphan o : faults.orphans) {
            if (!seen.add(o.jobId() + "/" + o.token())) {
                continue;
            }
            r.orphans++;
            Timestamp died = Timestamp.from(o.diedAt());
            Instant reset = instant(c, "SELECT min(created_at) FROM " + s + ".extraction_job_event WHERE job_id = ?"
                    + " AND type = 'RESET' AND created_at >= ?", o.jobId(), died);
            Instant reclaimed = instant(c, "SELECT min(at) FROM " + s + ".soak_claim WHERE job_id = ? AND at >= ?"
                    + " AND lease_token IS DISTINCT FROM ?", o.jobId(), died, o.token());
            long ownWrite = scalar(c, "SELECT count(*) FROM " + s + ".soak_completion WHERE job_id = " + o.jobId()
                    + " AND lease_token = '" + o.token() + "'")
                    + countEventsBy(c, s, o);
            if (reset == null && reclaimed == null && ownWrite > 0) {
                r.orphansFinishedByLastWrite++;
                continue;
            }
            Instant left = reset != null ? reset : reclaimed;
            if (left == null) {
                r.fail("job " + o.jobId() + " orphaned by " + o.kind() + " of " + o.workerId()
                        + " never left PROCESSING");
                continue;
            }
            double resetS = Math.max(0, Duration.between(o.diedAt(), left).toMillis() / 1000.0);
            r.orphanResetSeconds.add(resetS);
            if (reclaimed != null) {
                r.orphanReclaimSeconds.add(Math.max(0, Duration.between(o.diedAt(), reclaimed).toMillis() / 1000.0));
            }
            // Invariant 1 holds while some runtime is up to notice: count only the time during which
            // another worker's runtime was running and the database was not cut off.
            double exposedS = exposedSeconds(o, left);
            r.orphanExposedSeconds.add(exposedS);
            Duration bound = base.plus(RECOVERY_SLACK);
            if (exposedS * 1000 > bound.toMillis()) {
                r.fail(String.format(java.util.Locale.ROOT, "job %d orphaned by %s of %s stayed PROCESSING %.1f s"
                        + " after the death, %.1f s of it with a live runtime and the database reachable (bound"
                        + " %.1f s)", o.jobId(), o.kind(), o.workerId(), resetS, exposedS, bound.toMillis() / 1000.0));
            }
        }
    }

    /** Finishing writes the dead worker got committed just before or as it died. */
    private long countEventsBy(Connection c, String s, Orphan o) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + s + ".extraction_job_event"
                + " WHERE job_id = ? AND worker_id = ? AND type IN ('RETRY_SCHEDULED', 'FAILED', 'RELEASED', 'TIMED_OUT')"
                + " AND created_at >= ?::timestamptz - interval '5 seconds'")) {
            ps.setLong(1, o.jobId());
            ps.setString(2, o.workerId());
            ps.setTimestamp(3, Timestamp.from(o.diedAt()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Seconds of [death, left PROCESSING] during which another worker's runtime was up and no database
     * cut was in force (a cut counts until 2 s after it ends: reconnecting). Sampled every 10 ms.
     */
    private double exposedSeconds(Orphan o, Instant left) {
        long step = 10;
        long exposed = 0;
        for (Instant t = o.diedAt(); t.isBefore(left); t = t.plusMillis(step)) {
            Instant at = t;
            boolean runtimeUp = faults.lives.stream().anyMatch(l -> !l.workerId().equals(o.workerId()) && l.upAt(at));
            boolean cut = faults.cutWindows.stream().anyMatch(w -> !at.isBefore(w[0]) && at.isBefore(w[1].plusSeconds(2)));
            if (runtimeUp && !cut) {
                exposed += step;
            }
        }
        return exposed / 1000.0;
    }

    private void throughput(Connection c, String s, SoakReport r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), extract(epoch FROM max(completed_at) -"
                + " min(created_at)) FROM " + s + ".extraction_queue WHERE id = ANY(?) AND status_id IN (3, 4, 5)")) {
            Array arr = c.createArrayOf("int8", ids.toArray());
            ps.setArray(1, arr);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                r.terminalJobs = rs.getLong(1);
                r.spanSeconds = rs.getDouble(2);
            }
        }
    }

    private static Instant instant(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp t = rs.getTimestamp(1);
                return t == null ? null : t.toInstant();
            }
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
