package dev.docket.queue.jdbc.internal;

import dev.docket.queue.Job;
import dev.docket.queue.JobEventType;
import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.internal.SourceState;
import dev.docket.queue.internal.StoredText;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Source flow control in PostgreSQL ({@code docket_source}, {@code docket_source_event}): the claim's slow path
 * for gated sources, the finishing writes that tell a source something (transient failures, throttlings), the
 * operator's policy, pause and resume, the statuses, and the reconciliation of in-flight counts. Every change to a
 * source row happens under its row lock, in the transaction of the claim or write it belongs to, with the
 * database's {@code now()}; the rules are {@link SourceState}'s, the same as the in-memory store's. Stateless
 * beyond its SQL; thread-safe.
 */
public final class PostgresSources {
    /** The row of the default policy and the pause of all sources. */
    static final String ALL = SourceEvent.ALL_SOURCES;
    /** A source row that can hold claims back (its own or the default's cap or rate counts via the '*' flag). */
    private static final String LIMITING = "(concurrency IS NOT NULL OR rate_permits IS NOT NULL)";
    private static final String GATED = "(paused OR blocked_until > now() OR circuit <> 0 OR " + LIMITING + ")";

    private final String queue;
    private final String table;
    private final String events;
    private final String looseScan;
    private final SourceStatuses statuses;
    /**
     * Whether the default policy limited every source at the last plan: then the next plan first gives the sources
     * with claimable jobs their rows (a hint only, read and written by any claiming thread; a plan that finds the
     * default limiting without having done so does it then and locks again).
     */
    private volatile boolean defaultLimitedLastPlan;

    public PostgresSources(JobSql sql) {
        this.queue = sql.queue;
        this.table = sql.sources;
        this.events = sql.sourceEvents;
        this.looseScan = sql.sourceScan;
        this.statuses = new SourceStatuses(queue, table, events);
    }

    // ------------------------------------------------------------------ claim

    /** What the slow path of a claim allows: per gated source its quota, and the capped sources. */
    public static final class Plan {
        final Instant now;
        final Map<String, SourceState> locked = new LinkedHashMap<>();
        final Map<String, SourcePolicy> policies = new HashMap<>();
        final List<String> gated = new ArrayList<>();
        final List<Integer> quotas = new ArrayList<>();
        final List<String> capped = new ArrayList<>();
        final boolean allPaused;

        Plan(Instant now, boolean allPaused) {
            this.now = now;
            this.allPaused = allPaused;
        }

        public boolean allPaused() {
            return allPaused;
        }

        public String[] gatedSources() {
            return gated.toArray(new String[0]);
        }

        public Integer[] gatedQuotas() {
            return quotas.toArray(new Integer[0]);
        }

        public String[] cappedSources() {
            return capped.toArray(new String[0]);
        }
    }

    /**
     * Locks the gated source rows a claim may use ({@code FOR UPDATE SKIP LOCKED}: a row another claimer holds
     * gives its source quota 0 for this claim, never a wait) and computes each one's quota for {@code limit}.
     */
    public Plan plan(Connection c, int limit) throws SQLException {
        if (defaultLimitedLastPlan) {
            insertRowsForClaimableSources(c);
        }
        Locked l = lockGated(c);
        if (l.defaultLimiting() && !defaultLimitedLastPlan) { // the default policy has just become limiting
            defaultLimitedLastPlan = true;
            insertRowsForClaimableSources(c);
            l = lockGated(c);
        }
        defaultLimitedLastPlan = l.defaultLimiting();
        SourceRows.Default d = l.defaults();
        Plan plan = new Plan(d.now(), d.paused());
        if (d.paused()) {
            return plan;
        }
        plan.locked.putAll(l.locked());
        List<String> names = l.names();
        if (names.isEmpty()) {
            return plan;
        }
        SourcePolicy fallback = d.policy() == null ? SourcePolicy.defaults() : d.policy();
        countHeldSlots(c, plan, fallback, limit);
        for (String name : names) {
            SourceState s = plan.locked.get(name);
            SourcePolicy p = s == null || s.policy == null ? fallback : s.policy;
            plan.gated.add(name);
            plan.quotas.add(s == null ? 0 : s.quota(p, limit, d.now()));
            if (s != null) {
                plan.policies.put(name, p);
                if (p.concurrency().isPresent()) {
                    plan.capped.add(name);
                }
            }
        }
        return plan;
    }

    /** What {@link #lockGated} read: the default row, the gated sources' names in order, the rows locked. */
    private record Locked(SourceRows.Default defaults, boolean defaultLimiting, List<String> names,
            Map<String, SourceState> locked) {
    }

    /**
     * One round trip: the database clock and the default row ('*': the default policy, the pause of all sources),
     * then the gated rows, each locked unless another claimer holds it (SKIP LOCKED: then its columns are null and
     * its quota 0), the names read as well as the locks so that a skipped row still counts as gated. While all
     * sources are paused nothing is locked.
     */
    private Locked lockGated(Connection c) throws SQLException {
        String limiting = "coalesce((SELECT own_policy AND " + LIMITING + " FROM d), false)";
        SourceRows.Default defaults = null;
        boolean defaultLimiting = false;
        List<String> names = new ArrayList<>();
        Map<String, SourceState> locked = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("WITH d AS (SELECT " + SourceRows.COLUMNS + " FROM " + table
                + " WHERE source = '" + ALL + "') SELECT 0, now(), " + limiting + ", NULL::text, d.* FROM (SELECT 1) one"
                + " LEFT JOIN d ON true UNION ALL SELECT 1, now(), false, g.source, l.* FROM (SELECT source FROM "
                + table + " WHERE source <> '" + ALL + "' AND NOT coalesce((SELECT paused FROM d), false) AND ("
                + GATED + " OR (NOT own_policy AND " + limiting + "))) g LEFT JOIN LATERAL (SELECT "
                + SourceRows.COLUMNS + " FROM " + table + " t WHERE t.source = g.source FOR UPDATE SKIP LOCKED) l"
                + " ON true");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (rs.getInt(1) == 0) {
                    defaults = SourceRows.defaults(rs, 2, 5);
                    defaultLimiting = rs.getBoolean(3);
                } else {
                    names.add(rs.getString(4));
                    if (rs.getString(5) != null) {
                        SourceState st = SourceRows.state(rs, 5);
                        locked.put(st.source, st);
                    }
                }
            }
        }
        java.util.Collections.sort(names);
        return new Locked(defaults, defaultLimiting, names, locked);
    }

    /** The default policy limits every source: each source with claimable jobs gets its row (to lock and count). */
    private void insertRowsForClaimableSources(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE " + looseScan + " INSERT INTO " + table
                + " (source) SELECT s FROM srcs WHERE s IS NOT NULL ON CONFLICT (source) DO NOTHING")) {
            ps.executeUpdate();
        }
    }

    /**
     * Sets the in-flight count of each locked capped source whose cap could bind this claim to its PROCESSING jobs
     * that hold a slot, counted now: in a statement after the row locks, so its snapshot sees every claim of that
     * source that committed before this claimer got the lock (a claimer holds the row until it commits), and a job
     * being finished meanwhile still counts (the safe side). Finishing writes therefore need not touch the source
     * row to free a slot, and do not wait for the claims that hold it (the count reads the PROCESSING jobs from their
     * partial index, the stale-job scan's). The row's {@code in_flight}, written by every claim of the source under the same
     * lock and never raised by anything else, is an upper bound of that count: while the cap minus it leaves room
     * for the whole {@code limit}, the cap cannot bind and nothing is counted.
     */
    private void countHeldSlots(Connection c, Plan plan, SourcePolicy fallback, int limit) throws SQLException {
        List<String> capped = new ArrayList<>();
        for (SourceState s : plan.locked.values()) {
            SourcePolicy p = s.policy == null ? fallback : s.policy;
            if (p.concurrency().isPresent() && p.concurrency().getAsInt() - s.inFlight < limit) {
                capped.add(s.source);
                s.inFlight = 0;
            }
        }
        if (capped.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT document_source, count(*) FROM " + queue
                + " WHERE status_id = 2 AND holds_slot AND document_source = ANY(?) GROUP BY 1")) {
            ps.setArray(1, c.createArrayOf("text", capped.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.locked.get(rs.getString(1)).inFlight = rs.getLong(2);
                }
            }
        }
    }

    /**
     * After the slow-path claim: takes the claimed jobs' slots and tokens and writes the locked rows back, all of them
     * in one statement ({@link SourceState#claimed} changes only the slots, the tokens and the circuit).
     */
    public void claimed(Connection c, Plan plan, List<Job> jobs, String workerId) throws SQLException {
        Map<String, Integer> taken = new HashMap<>();
        for (Job j : jobs) {
            taken.merge(j.documentSource(), 1, Integer::sum);
        }
        List<SourceEvent> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        List<Double> tokens = new ArrayList<>();
        List<String> tokensAt = new ArrayList<>();
        List<Integer> circuits = new ArrayList<>();
        List<Double> fullRates = new ArrayList<>();
        for (SourceState s : plan.locked.values()) {
            int n = taken.getOrDefault(s.source, 0);
            if (n == 0) {
                continue; // nothing taken: the bucket's refill is recomputed from the stored state next time
            }
            SourcePolicy p = plan.policies.get(s.source);
            s.claimed(p, n, plan.now, workerId, out::add);
            names.add(s.source);
            // in_flight: the held slots at this claim (what the cap was checked against, plus n): an upper bound
            slots.add(p.concurrency().isPresent() ? (int) s.inFlight : 0);
            tokens.add(s.tokens);
            tokensAt.add(s.tokensAt == null ? null : s.tokensAt.toString());
            circuits.add(s.circuit.ordinal());
            fullRates.add(p.rate().map(SourcePolicy.Rate::perSecondValue).orElse(0.0));
        }
        if (!names.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " ds SET in_flight = u.slots,"
                    + " tokens = u.tokens, tokens_at = u.tokens_at::timestamptz, circuit = u.circuit,"
                    + " full_rate = u.full_rate, updated_at = now() FROM unnest(?::text[], ?::int[], ?::float8[],"
                    + " ?::text[], ?::int[], ?::float8[]) AS u(source, slots, tokens, tokens_at, circuit, full_rate)"
                    + " WHERE ds.source = u.source")) {
                ArrayParams.bind(c, ps, 1, names.toArray(new String[0]), slots.toArray(new Integer[0]),
                        tokens.toArray(new Double[0]), tokensAt.toArray(new String[0]),
                        circuits.toArray(new Integer[0]), fullRates.toArray(new Double[0]));
                ps.executeUpdate();
            }
        }
        SourceRows.insertEvents(c, events, out);
    }

    /**
     * After {@link #claimed}, for a claim that returned fewer jobs than asked for: the earliest
     * {@link SourceState#nextClaimableIn} of the locked sources that still have ready PENDING jobs (by the
     * database's clock, the plan's {@code now}), or null.
     */
    public Duration nextClaimableIn(Connection c, Plan plan) throws SQLException {
        Map<String, Duration> due = new HashMap<>();
        for (SourceState s : plan.locked.values()) {
            Duration d = s.nextClaimableIn(plan.policies.get(s.source), plan.now);
            if (d != null) {
                due.put(s.source, d);
            }
        }
        if (due.isEmpty()) {
            return null;
        }
        Duration min = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT s FROM unnest(?::text[]) AS u(s) WHERE EXISTS"
                + " (SELECT 1 FROM " + queue + " q WHERE q.status_id = 1 AND q.document_source = u.s"
                + " AND q.run_after <= now())")) {
            ps.setArray(1, c.createArrayOf("text", due.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Duration d = due.get(rs.getString(1));
                    min = min == null || d.compareTo(min) < 0 ? d : min;
                }
            }
        }
        return min;
    }

    // ------------------------------------------------------------------ finishing writes

    /** True when the outcome tells its source something the finish statement alone does not handle. */
    public static boolean needsRules(JobOutcome o) {
        return o.sourceFailure() || o.kind() == JobOutcome.Kind.THROTTLED;
    }

    /**
     * For the finishing writes whose outcome {@link #needsRules needs the rules}: locks their jobs (fenced by the
     * lease: a lost lease changes nothing) and their sources' rows, applies each outcome to its source in order,
     * and returns the outcomes to write instead (a transient failure that meets an open circuit goes back
     * PENDING without spending its attempt, event {@code SOURCE_DOWN}). In the finishing write's transaction.
     */
    public Map<Integer, JobOutcome> beforeFinish(Connection c, List<JobLease> leases, List<JobOutcome> outcomes)
            throws SQLException {
        Map<Long, String> sourceOf = new HashMap<>();
        Long[] ids = leases.stream().map(JobLease::jobId).toArray(Long[]::new);
        UUID[] tokens = leases.stream().map(JobLease::token).toArray(UUID[]::new);
        try (PreparedStatement ps = c.prepareStatement("SELECT q.id, q.document_source FROM " + queue + " q JOIN"
                + " unnest(?::bigint[], ?::uuid[]) AS t(id, token) ON q.id = t.id AND q.lease_token = t.token"
                + " WHERE q.status_id = 2 ORDER BY q.id FOR UPDATE OF q")) {
            ArrayParams.bind(c, ps, 1, ids, tokens);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sourceOf.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        Map<Integer, JobOutcome> replaced = new HashMap<>();
        if (sourceOf.isEmpty()) {
            return replaced;
        }
        Set<String> names = new TreeSet<>(sourceOf.values());
        SourceRows.Default d = SourceRows.readDefault(c, table);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (source) SELECT unnest(?::text[])"
                + " ORDER BY 1 ON CONFLICT (source) DO NOTHING")) {
            ps.setArray(1, c.createArrayOf("text", names.toArray()));
            ps.executeUpdate();
        }
        Map<String, SourceState> states = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + SourceRows.COLUMNS + " FROM " + table
                + " WHERE source = ANY(?) ORDER BY source FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SourceState s = SourceRows.state(rs, 1);
                    states.put(s.source, s);
                }
            }
        }
        List<SourceEvent> out = new ArrayList<>();
        for (int i = 0; i < leases.size(); i++) {
            String source = sourceOf.get(leases.get(i).jobId());
            if (source == null) {
                continue; // lost lease: the finish statement reports it
            }
            SourceState s = states.get(source);
            SourcePolicy p = s.policy != null ? s.policy : d.policy() != null ? d.policy() : SourcePolicy.defaults();
            JobOutcome o = outcomes.get(i);
            String error = StoredText.clean(o.error());
            long inFlight = s.inFlight; // the finish statement frees the slot (holds_slot)
            SourceState.Verdict v = s.finished(p, o, error, d.now(), leases.get(i).workerId(), out::add);
            s.inFlight = inFlight;
            if (v == SourceState.Verdict.SOURCE_DOWN) {
                replaced.put(i, JobOutcome.released(SourceState.sourceDown(source, error))
                        .recordedAs(JobEventType.SOURCE_DOWN));
            }
        }
        for (SourceState s : states.values()) {
            SourceRows.writeState(c, table, s, s.policy != null ? s.policy : d.policy() != null ? d.policy()
                    : SourcePolicy.defaults());
        }
        SourceRows.insertEvents(c, events, out);
        return replaced;
    }

    // ------------------------------------------------------------------ operators

    /** The stored policy of {@code source} (null: the default). */
    public Optional<SourcePolicy> policy(Connection c, String source) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + SourceRows.COLUMNS + " FROM " + table
                + " WHERE source = ?")) {
            ps.setString(1, source == null ? ALL : source);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(SourceRows.policy(rs, 1)) : Optional.empty();
            }
        }
    }

    /** Sets (null: clears) the policy of {@code source} (null: the default), recording the change. */
    public void setPolicy(Connection c, String source, SourcePolicy policy, String actor) throws SQLException {
        String key = source == null ? ALL : source;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " AS ds (source) VALUES (?)"
                + " ON CONFLICT (source) DO NOTHING")) {
            ps.setString(1, key);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET own_policy = ?, concurrency = ?,"
                + " rate_permits = ?, rate_per = ?, rate_burst = ?, breaker_failures = ?, cool_down_from_ms = ?,"
                + " cool_down_to_ms = ?, throttle_default_ms = ?, throttle_max_ms = ?, tokens = -1, effective_rate = 0,"
                + " updated_at = now() WHERE source = ?")) {
            int next = SourceRows.bindPolicy(ps, 1, policy);
            ps.setString(next, key);
            ps.executeUpdate();
        }
        if (source != null && policy != null && policy.concurrency().isPresent()) {
            recount(c, source); // start the cap from the jobs PROCESSING now
        }
        if (source == null) { // sources following the default start their buckets afresh
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET tokens = -1, effective_rate = 0"
                    + " WHERE NOT own_policy AND source <> '" + ALL + "'")) {
                ps.executeUpdate();
            }
        }
        Optional<SourcePolicy> now = policy(c, null);
        String text = policy == null ? (source == null ? "default policy reset to the built-in "
                + SourcePolicy.defaults() : "own policy removed; follows the default "
                + now.orElse(SourcePolicy.defaults())) : (source == null ? "default policy " : "policy ") + policy;
        event(c, key, SourceEvent.Type.POLICY_CHANGED, actor, text);
    }

    /** Pauses {@code source} (null: all). */
    public void pause(Connection c, String source, String reason, String actor) throws SQLException {
        String key = source == null ? ALL : source;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " AS ds (source, paused, pause_reason)"
                + " VALUES (?, true, ?) ON CONFLICT (source) DO UPDATE SET paused = true,"
                + " pause_reason = EXCLUDED.pause_reason, updated_at = now()")) {
            ps.setString(1, key);
            ps.setString(2, StoredText.clean(reason));
            ps.executeUpdate();
        }
        event(c, key, SourceEvent.Type.PAUSED, actor, reason);
    }

    /** Resumes {@code source} (null: all, and every single pause); true when something was paused. */
    public boolean resume(Connection c, String source, String actor) throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET paused = false, pause_reason = NULL,"
                + " updated_at = now() WHERE paused AND (?::text IS NULL OR source = ?)")) {
            ps.setString(1, source);
            ps.setString(2, source);
            n = ps.executeUpdate();
        }
        if (n > 0) {
            event(c, source == null ? ALL : source, SourceEvent.Type.RESUMED, actor, "resumed by " + actor);
        }
        return n > 0;
    }

    /** The newest {@code limit} events of {@code source} (null: all), oldest first. */
    public List<SourceEvent> events(Connection c, String source, int limit) throws SQLException {
        return statuses.events(c, source, limit);
    }

    /** Every source with live jobs, jobs finished in the last 60 minutes, or a row, by name. */
    public List<SourceStatus> statuses(Connection c) throws SQLException {
        return statuses.statuses(c);
    }

    /** What {@code JobStore.sourcesForAlerts()} returns. */
    public List<SourceStatus> statusesForAlerts(Connection c) throws SQLException {
        return statuses.statusesForAlerts(c);
    }

    /**
     * Sets each source's in-flight count to its PROCESSING jobs that hold a slot, and re-arms a half-open circuit
     * whose probe is gone: one source at a time, each under its row lock, the count read after the lock.
     */
    public int reconcile(Jdbc jdbc) {
        List<String> names = jdbc.inTransaction("list sources", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT source FROM " + table
                    + " WHERE in_flight > 0 OR circuit = 2 OR concurrency IS NOT NULL"
                    + " OR EXISTS (SELECT 1 FROM " + queue + " q WHERE q.status_id = 2 AND q.holds_slot"
                    + " AND q.document_source = " + table + ".source)");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
        int healed = 0;
        for (String name : names) {
            healed += jdbc.inTransaction("reconcile source " + name, c -> recount(c, name));
        }
        return healed;
    }

    /** Locks the row of {@code source}, then sets its in-flight count from the jobs; 1 when it changed. */
    private int recount(Connection c, String source) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT in_flight, circuit FROM " + table
                + " WHERE source = ? FOR UPDATE")) {
            lock.setString(1, source);
            try (ResultSet rs = lock.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                WITH n AS (SELECT count(*) FILTER (WHERE holds_slot) AS held, count(*) AS processing
                           FROM %1$s WHERE status_id = 2 AND document_source = ?)
                UPDATE %2$s ds SET in_flight = n.held,
                  circuit = CASE WHEN ds.circuit = 2 AND n.processing = 0 THEN 1 ELSE ds.circuit END,
                  open_until = CASE WHEN ds.circuit = 2 AND n.processing = 0 THEN '-infinity' ELSE ds.open_until END
                FROM n WHERE ds.source = ? AND (ds.in_flight <> n.held OR (ds.circuit = 2 AND n.processing = 0))
                """.formatted(queue, table))) {
            ps.setString(1, source);
            ps.setString(2, source);
            return ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ helpers

    private void event(Connection c, String source, SourceEvent.Type type, String actor, String message)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + events + " (source, type, actor, message)"
                + " VALUES (?, ?, ?, ?)")) {
            ps.setString(1, source);
            ps.setString(2, type.name());
            ps.setString(3, StoredText.clean(actor));
            ps.setString(4, StoredText.clean(message));
            ps.executeUpdate();
        }
    }
}
