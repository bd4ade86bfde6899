package dev.docket.queue.jdbc;

import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.spi.ClaimResult;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.JobNotFoundException;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.LeaseLostException;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import dev.docket.queue.StoreException;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import dev.docket.queue.internal.Durations;
import dev.docket.queue.internal.StaleReasons;
import dev.docket.queue.internal.StoreChecks;
import dev.docket.queue.internal.StoredText;
import dev.docket.queue.jdbc.internal.ArrayParams;
import dev.docket.queue.jdbc.internal.Databases;
import dev.docket.queue.jdbc.internal.FinishBatcher;
import dev.docket.queue.jdbc.internal.FinishStatement;
import dev.docket.queue.jdbc.internal.Jdbc;
import dev.docket.queue.jdbc.internal.JdbcUrls;
import dev.docket.queue.jdbc.internal.JobRows;
import dev.docket.queue.jdbc.internal.JobSql;
import dev.docket.queue.jdbc.internal.PostgresSources;
import dev.docket.queue.jdbc.internal.NotificationListener;
import dev.docket.queue.jdbc.internal.ProgressRows;
import dev.docket.queue.jdbc.internal.SqlErrors;
import dev.docket.queue.jdbc.internal.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link JobStore} on PostgreSQL 13+ (tested on 15). Any number of processes on any
 * number of hosts may share one schema: claims use {@code FOR UPDATE SKIP LOCKED}, finishing writes
 * and lease renewals are fenced by the claim's lease token, every lease and timestamp is measured
 * with the database's {@code now()}, and idle workers are woken by {@code LISTEN/NOTIFY}.
 *
 * <pre>{@code
 * HikariConfig config = new HikariConfig();
 * config.setJdbcUrl("jdbc:postgresql://db:5432/app");
 * config.setMaximumPoolSize(5);          // claim, finish, heartbeat, stale monitor + LISTEN
 * config.setConnectionTimeout(5_000);    // waiting for a pooled connection
 * config.addDataSourceProperty("connectTimeout", "10"); // seconds: opening a connection
 * config.addDataSourceProperty("socketTimeout", "30");  // seconds: a silent network (> statementTimeout)
 * DataSource ds = new HikariDataSource(config);
 * PostgresJobStore store = PostgresJobStore.builder(ds).schema("docket").autoMigrate(true)
 *         .statementTimeout(Duration.ofSeconds(10)).lockTimeout(Duration.ofSeconds(5)).build();
 * }</pre>
 *
 * <p>Connections: each operation borrows one connection from the {@link DataSource} for one short
 * transaction (which first sets the {@linkplain Builder#statementTimeout statement} and
 * {@linkplain Builder#lockTimeout lock} timeouts for itself) and returns it. Finishing writes from any number of job
 * threads are grouped by one internal thread ({@code docket-finish-<schema>}) into one statement
 * per batch, so a runtime needs a handful of connections whatever its concurrency; the
 * {@link #subscribe(Runnable) LISTEN} connection is held for good (from the DataSource, or from
 * {@link Builder#listenUrl(String, Properties)}).
 *
 * <p>Thread-safe. {@link #close()} writes the finishing writes already accepted, stops the
 * internal threads and closes the LISTEN connection; it does not close the DataSource.
 *
 * <p>Errors: every operation throws {@link StoreException} when the database fails; it is
 * {@linkplain StoreException#isTransient() transient} for lost connections, serialization
 * failures, deadlocks, a restarting server, pool timeouts and statement or lock timeouts (a table
 * locked by a migration or an admin). {@link #finish} throws
 * {@link LeaseLostException} when the lease no longer matches. Messages never contain a password.
 */
public final class PostgresJobStore implements JobStore, AutoCloseable {
    /** Schema used when none is given. */
    public static final String DEFAULT_SCHEMA = SchemaMigrator.DEFAULT_SCHEMA;
    /** Whether {@link Builder#build()} migrates the schema when none is configured: no, run {@link SchemaMigrator}. */
    public static final boolean DEFAULT_AUTO_MIGRATE = false;
    /** How long the finish batcher waits for more writes after the first of a batch. */
    public static final Duration DEFAULT_FINISH_BATCH_WINDOW = Duration.ofMillis(2);
    /**
     * Most finishing writes in one statement: a writer that fell behind (hundreds of slots ending short jobs) catches
     * up in fewer, larger statements.
     */
    public static final int DEFAULT_FINISH_BATCH_SIZE = 1000;
    /** Whether {@link #subscribe(Runnable)} listens for notifications. */
    public static final boolean DEFAULT_NOTIFICATIONS = true;
    /** Largest accepted {@link Builder#finishBatchSize(int)}. */
    public static final int MAX_FINISH_BATCH_SIZE = 10_000;
    /** Largest accepted {@link Builder#finishBatchWindow(Duration)}. */
    public static final Duration MAX_FINISH_BATCH_WINDOW = Duration.ofSeconds(1);
    /** Largest {@code limit} accepted by claim and findStale. */
    public static final int MAX_LIMIT = StoreChecks.MAX_LIMIT;
    /** Longest any one statement of the store may run, lock waits included (well below the default lease of 30 s). */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(10);
    /** Longest a statement waits for a row or table lock held by someone else. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(5);
    /** Shortest accepted {@link Builder#statementTimeout} and {@link Builder#lockTimeout}. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    /** Longest accepted {@link Builder#statementTimeout} and {@link Builder#lockTimeout}. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(PostgresJobStore.class);
    private static final int PURGE_SLICE = 10_000;
    private static final int MAX_ENQUEUE_ROUNDS = 10;

    private final String schema;
    /** Every operation's transaction, bounded by the statement and lock timeouts. */
    private final Jdbc jdbc;
    private final JobSql sql;
    private final PostgresSources sources;
    /**
     * Whether the last claim found gated sources: then the next one starts with the slow path (a hint only, read and
     * written by any claiming thread; the slow path with nothing gated claims as the fast one does).
     */
    private volatile boolean gatedLastClaim;
    private final FinishBatcher batcher;
    private final NotificationListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Longest a finishing write waits for its batch: the batch before it, then its own. */
    private final Duration finishWait;

    private PostgresJobStore(Builder b, NotificationListener.ConnectionFactory listenFactory) {
        this.schema = b.schema;
        this.sql = new JobSql(b.schema);
        this.sources = new PostgresSources(sql);
        this.jdbc = Jdbc.over(b.dataSource, b.schema).withTimeouts(b.statementTimeout, b.lockTimeout,
                b.dedicatedDataSource);
        this.finishWait = b.statementTimeout.multipliedBy(2).plus(b.finishBatchWindow).plusSeconds(1);
        this.batcher = new FinishBatcher("docket-finish-" + schema, b.finishBatchWindow, b.finishBatchSize,
                finishWait, new FinishStatement(jdbc, sql));
        this.listener = b.notifications
                ? new NotificationListener("docket-listen-" + schema, sql.channel, listenFactory)
                : null;
    }

    /** Starts a builder over {@code dataSource} (any DataSource of a PostgreSQL database; HikariCP recommended). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The schema this store works in. */
    public String schema() {
        return schema;
    }

    /** The LISTEN/NOTIFY channel of this store's schema. */
    public String notificationChannel() {
        return sql.channel;
    }

    // ------------------------------------------------------------------ enqueue

    @Override
    public Job enqueue(NewJob job) {
        StoreChecks.notNull("job", job);
        return inConnection("enqueue " + job, c -> enqueue(c, List.of(job))).get(0);
    }

    @Override
    public List<Job> enqueueAll(List<NewJob> jobs) {
        StoreChecks.elements("jobs", jobs);
        if (jobs.isEmpty()) {
            return List.of();
        }
        try {
            return inConnection("enqueue " + jobs.size() + " job(s)", c -> enqueue(c, jobs));
        } catch (StoreException e) {
            if (e.isTransient() || jobs.size() == 1 || closed.get()) {
                throw e;
            }
            throw refusedJob(jobs, e);
        }
    }

    /**
     * The batch was refused as a whole: finds the first job the database refuses on its own (each
     * tried under a savepoint, everything rolled back) so the error names its index.
     */
    private StoreException refusedJob(List<NewJob> jobs, StoreException batchFailure) {
        String culprit;
        try {
            culprit = inConnection("find the refused job of " + jobs.size(), c -> {
                try {
                    for (int i = 0; i < jobs.size(); i++) {
                        java.sql.Savepoint sp = c.setSavepoint();
                        try {
                            enqueue(c, List.of(jobs.get(i)));
                        } catch (SQLException e) {
                            return "jobs[" + i + "] (" + jobs.get(i) + ") was refused: "
                                    + JdbcUrls.mask(String.valueOf(e.getMessage()))
                                    + (e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]");
                        } finally {
                            c.rollback(sp);
                        }
                    }
                    return null;
                } finally {
                    c.rollback();
                }
            });
        } catch (StoreException e) {
            log.debug("could not find which of {} jobs was refused: {}", jobs.size(), e.getMessage());
            culprit = null;
        }
        if (culprit == null) {
            return batchFailure;
        }
        return new StoreException("could not enqueue " + jobs.size() + " job(s) in schema '" + schema + "': "
                + culprit + "; nothing was enqueued", false, batchFailure);
    }

    /** runAfter as PostgreSQL reads it: UTC, microseconds (as the in-memory store keeps it), 4-digit year. */
    private static final java.time.format.DateTimeFormatter RUN_AFTER_FORMAT =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", java.util.Locale.ROOT)
                    .withZone(java.time.ZoneOffset.UTC);

    private List<Job> enqueue(Connection c, List<NewJob> jobs) throws SQLException {
        Job[] result = new Job[jobs.size()];
        List<Integer> remaining = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            remaining.add(i);
        }
        for (int round = 0; !remaining.isEmpty(); round++) {
            if (round == MAX_ENQUEUE_ROUNDS) {
                throw new StoreException("could not enqueue: the idempotency keys of " + remaining.size()
                        + " job(s) kept changing hands for " + MAX_ENQUEUE_ROUNDS + " rounds", true);
            }
            insert(c, jobs, remaining, result);
            if (!remaining.isEmpty()) {
                // skipped by ON CONFLICT: their key is held by a non-terminal job; return that one
                adoptActiveByKey(c, jobs, remaining, result);
            }
        }
        return List.of(result);
    }

    /**
     * Inserts the {@code remaining} jobs in one statement and fills in {@code result} for those inserted
     * (removed from {@code remaining}). The database returns only the id, the payload as jsonb prints it and
     * the run_after unless it is {@code now}, and the transaction's {@code now} (no round trip of its own); the rest
     * of each {@link Job} is the input and the columns' defaults, with that {@code now} as created_at, updated_at and
     * default run_after: the values {@link #find} reads back (the store contract checks it).
     */
    private void insert(Connection c, List<NewJob> jobs, List<Integer> remaining, Job[] result) throws SQLException {
        int n = remaining.size();
        String[] sources = new String[n];
        String[] numbers = new String[n];
        String[] payloads = new String[n];
        Integer[] priorities = new Integer[n];
        Integer[] maxAttempts = new Integer[n];
        String[] runAfters = new String[n];
        String[] keys = new String[n];
        for (int k = 0; k < n; k++) {
            NewJob j = jobs.get(remaining.get(k));
            sources[k] = j.documentSource();
            numbers[k] = j.documentNumber();
            payloads[k] = j.payload();
            priorities[k] = j.priority();
            maxAttempts[k] = j.maxAttempts();
            runAfters[k] = j.runAfter() == null ? null : RUN_AFTER_FORMAT.format(j.runAfter());
            keys[k] = j.idempotencyKey();
        }
        boolean keyless = Arrays.stream(keys).allMatch(Objects::isNull);
        try (PreparedStatement ps = c.prepareStatement(keyless ? sql.enqueueKeyless : sql.enqueue)) {
            if (keyless) {
                ArrayParams.bind(c, ps, 1, sources, numbers, payloads, priorities, maxAttempts, runAfters);
            } else {
                ArrayParams.bind(c, ps, 1, sources, numbers, payloads, priorities, maxAttempts, runAfters, keys);
            }
            long[] ids = new long[n];
            String[] storedPayloads = new String[n];
            Instant[] storedRunAfters = new Instant[n];
            boolean[] done = new boolean[n];
            int inserted = 0;
            Instant now = null;
            try (ResultSet rs = ps.executeQuery()) {
                int column = keyless ? 1 : 2;
                while (rs.next()) {
                    // keyless: rows in id order, which is the input's; else the input's position comes first
                    int k = keyless ? inserted : (int) rs.getLong(1) - 1;
                    ids[k] = rs.getLong(column);
                    storedPayloads[k] = rs.getString(column + 1);
                    storedRunAfters[k] = JobRows.instant(rs, column + 2);
                    if (now == null) {
                        now = JobRows.instant(rs, column + 3); // the same in every row: the transaction's
                    }
                    done[k] = true;
                    inserted++;
                }
            }
            if (keyless && inserted != n) {
                throw new IllegalStateException("inserted " + inserted + " of " + n + " jobs without key");
            }
            List<Integer> left = new ArrayList<>(n - inserted);
            for (int k = 0; k < n; k++) {
                int index = remaining.get(k);
                if (!done[k]) {
                    left.add(index);
                    continue;
                }
                NewJob j = jobs.get(index);
                result[index] = Job.builder(ids[k], j.documentSource(), j.documentNumber())
                        .payload(storedPayloads[k])
                        .status(JobStatus.PENDING)
                        .priority(j.priority())
                        .maxAttempts(j.maxAttempts())
                        .runAfter(storedRunAfters[k] == null ? now : storedRunAfters[k])
                        .idempotencyKey(j.idempotencyKey())
                        .createdAt(now)
                        .updatedAt(now)
                        .build();
            }
            remaining.clear();
            remaining.addAll(left);
        }
    }

    /** The transaction's {@code now()}. */
    private Instant databaseNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.now); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return JobRows.instant(rs, 1);
        }
    }

    private void adoptActiveByKey(Connection c, List<NewJob> jobs, List<Integer> remaining, Job[] result)
            throws SQLException {
        Set<String> keys = new LinkedHashSet<>();
        for (int index : remaining) {
            String key = jobs.get(index).idempotencyKey();
            if (key == null) {
                throw new IllegalStateException("a job without idempotency key was not inserted: " + jobs.get(index));
            }
            keys.add(key);
        }
        Map<String, Job> active = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.findActiveByKeys)) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray(new String[0])));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Job j = JobRows.job(rs, 1);
                    active.put(j.idempotencyKey(), j);
                }
            }
        }
        List<Integer> adopted = new ArrayList<>();
        for (int index : remaining) {
            Job existing = active.get(jobs.get(index).idempotencyKey());
            if (existing != null) {
                result[index] = existing;
                adopted.add(index);
            }
            // else: the holder finished in between; the next round inserts this job
        }
        remaining.removeAll(adopted);
    }

    // ------------------------------------------------------------------ claim

    @Override
    public List<Job> claim(String workerId, int limit, Duration lease) {
        return claimWithHint(workerId, limit, lease).jobs();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the hint is computed on the slow path (some source is gated), from the locked source rows and the
     * database's {@code now()} of the claim's transaction.
     */
    @Override
    public ClaimResult claimWithHint(String workerId, int limit, Duration lease) {
        StoreChecks.workerId(workerId);
        StoreChecks.limit(limit);
        long leaseMs = StoreChecks.lease(lease);
        // One transaction that commits only once every claimed row was read: a failure while reading
        // them (the connection, the database) rolls the claim back, so no job of the batch spends an
        // attempt for nothing. A row that cannot be read for what it holds is failed instead (below):
        // rolled back, it would be claimed first again and stop every claim.
        return inConnection("claim jobs for worker " + workerId, c -> {
            List<Job> jobs = new ArrayList<>();
            List<Long> badIds = new ArrayList<>();
            List<UUID> badTokens = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            // the fast path: one statement, unless some source is gated (paused, blocked, open, capped, rate-limited);
            // while sources were gated at the last claim, straight to the slow path (the fast one would find them)
            boolean gated = gatedLastClaim
                    || claimStatement(c, workerId, leaseMs, limit, null, jobs, badIds, badTokens, reasons);
            Duration due = null;
            if (gated) {
                PostgresSources.Plan plan = sources.plan(c, limit);
                gatedLastClaim = plan.allPaused() || plan.gatedSources().length > 0;
                if (!plan.allPaused()) {
                    claimStatement(c, workerId, leaseMs, limit, plan, jobs, badIds, badTokens, reasons);
                    sources.claimed(c, plan, jobs, workerId);
                    if (jobs.size() + badIds.size() < limit) {
                        due = sources.nextClaimableIn(c, plan);
                    }
                }
            }
            if (!badIds.isEmpty()) {
                failUnreadable(c, workerId, badIds, badTokens, reasons);
            }
            // RETURNING has no order: give them back in claim order
            jobs.sort((a, b) -> a.priority() != b.priority() ? Integer.compare(b.priority(), a.priority())
                    : !a.runAfter().equals(b.runAfter()) ? a.runAfter().compareTo(b.runAfter())
                    : Long.compare(a.id(), b.id()));
            return new ClaimResult(jobs, Optional.ofNullable(due));
        });
    }

    /**
     * Runs the claim statement (the fast path without a plan, else the slow path with the plan's quotas), adding the
     * claimed jobs (and the unreadable ones) to the lists; true when the fast path found gated sources.
     */
    private boolean claimStatement(Connection c, String workerId, long leaseMs, int limit, PostgresSources.Plan plan,
            List<Job> jobs, List<Long> badIds, List<UUID> badTokens, List<String> reasons) throws SQLException {
        boolean gated = false;
        try (PreparedStatement ps = c.prepareStatement(sql.claim)) {
            ps.setString(1, workerId);
            ps.setLong(2, leaseMs);
            ps.setBoolean(3, plan != null);
            ArrayParams.bind(c, ps, 4, plan == null ? new String[0] : plan.gatedSources(),
                    plan == null ? new Integer[0] : plan.gatedQuotas(),
                    plan == null ? new String[0] : plan.cappedSources());
            ps.setInt(7, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    gated = rs.getLong(1) > 0;
                    rs.getLong(2);
                    if (rs.wasNull()) {
                        continue; // nothing claimed: the one row that carries the gate
                    }
                    String problem;
                    Job job = null;
                    try {
                        job = JobRows.job(rs, 2);
                        problem = JobRows.unreadable(rs, 2);
                    } catch (RuntimeException e) {
                        problem = "its row cannot be read: " + e;
                    }
                    if (problem == null) {
                        jobs.add(job);
                    } else {
                        badIds.add(rs.getLong(2));
                        badTokens.add(rs.getObject(12, UUID.class));
                        reasons.add("failed by the claim: " + problem);
                    }
                }
            }
        }
        return gated && plan == null && jobs.isEmpty() && badIds.isEmpty();
    }

    /** Claimed rows that cannot be read become FAILED (attempt given back), in the claim's transaction. */
    private void failUnreadable(Connection c, String workerId, List<Long> ids, List<UUID> tokens, List<String> reasons)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.failUnreadable)) {
            ArrayParams.bind(c, ps, 1, ids.toArray(new Long[0]), tokens.toArray(new UUID[0]),
                    reasons.stream().map(PostgresJobStore::text).toArray(String[]::new));
            ps.setString(4, text(workerId));
            ps.executeUpdate();
        }
        for (int i = 0; i < ids.size(); i++) {
            log.error("job {} set to FAILED instead of being claimed by worker {}: {}", ids.get(i), workerId,
                    reasons.get(i));
        }
    }

    // ------------------------------------------------------------------ finish

    @Override
    public Job finish(JobLease lease, JobOutcome outcome) {
        checkFinish(lease, outcome);
        return batcher.finish(lease, outcome);
    }

    /**
     * As {@link #finish}, without waiting for the batch: the stage completes on the
     * {@code docket-finish-<schema>} thread, so its callbacks should be short or asynchronous.
     */
    @Override
    public java.util.concurrent.CompletionStage<Job> finishAsync(JobLease lease, JobOutcome outcome) {
        try {
            checkFinish(lease, outcome);
            return batcher.submit(lease, outcome);
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    private void checkFinish(JobLease lease, JobOutcome outcome) {
        StoreChecks.notNull("lease", lease);
        StoreChecks.notNull("outcome", outcome);
        if (outcome.kind() == JobOutcome.Kind.COMPLETED) {
            StoredText.result(lease.jobId(), outcome.result()); // throws for a result no store keeps
        }
        checkOpen();
    }

    /** Batches written by the finish batcher so far (tests). */
    long finishBatchesWritten() {
        return batcher.batchesWritten();
    }

    /** Finishing writes accepted by the finish batcher so far (tests). */
    long finishWritesAccepted() {
        return batcher.accepted();
    }

    // ------------------------------------------------------------------ workers

    @Override
    public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
        StoreChecks.notNull("heartbeat", heartbeat);
        WorkerInfo w = heartbeat.worker();
        StoreChecks.workerId(w.workerId());
        long leaseMs = StoreChecks.lease(heartbeat.lease());
        int n = heartbeat.leases().size();
        Long[] ids = new Long[n];
        UUID[] tokens = new UUID[n];
        for (int i = 0; i < n; i++) {
            ids[i] = heartbeat.leases().get(i).jobId();
            tokens[i] = heartbeat.leases().get(i).token();
        }
        return inStatement("heartbeat worker " + w.workerId(), c -> {
            Set<Long> lost = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement(sql.heartbeat)) {
                int p = bindWorker(ps, w, w.state() == null ? WorkerState.RUNNING : w.state());
                p = ArrayParams.bind(c, ps, p, ids, tokens);
                ps.setLong(p, leaseMs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lost.add(rs.getLong(1));
                    }
                }
            }
            ProgressRows.save(c, sql, heartbeat);
            return lost;
        });
    }

    @Override
    public List<dev.docket.queue.JobProgress> progress(java.util.Collection<Long> jobIds) {
        StoreChecks.notNull("jobIds", jobIds);
        return inConnection("read the progress of " + jobIds.size() + " job(s)", c -> ProgressRows.find(c, sql, jobIds));
    }

    @Override
    public List<JobEvent> eventsOfPurgeable(Duration olderThan, JobEventType type, int limit) {
        StoreChecks.olderThan(olderThan);
        StoreChecks.notNull("type", type);
        StoreChecks.limit(limit);
        return inConnection("list " + type + " events of purgeable jobs",
                c -> ProgressRows.eventsOfPurgeable(c, sql, olderThan, type, limit));
    }

    @Override
    public void markWorkerStopped(WorkerInfo worker) {
        StoreChecks.notNull("worker", worker);
        StoreChecks.workerId(worker.workerId());
        inConnection("mark worker " + worker.workerId() + " stopped", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.markWorkerStopped)) {
                bindWorker(ps, worker, WorkerState.STOPPED);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Deletes the worker's row unless it owns PROCESSING jobs, in one statement: the count and the delete
     * see the same snapshot, and the row is locked by the delete.
     */
    @Override
    public boolean forgetWorker(String workerId) {
        StoreChecks.workerId(workerId);
        return inConnection("forget worker " + workerId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.forgetWorker)) {
                ps.setString(1, workerId);
                ps.setString(2, workerId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long held = rs.getLong(1);
                    if (held > 0) {
                        throw new IllegalStateException("worker " + workerId + " holds " + held
                                + " PROCESSING job(s): reset them first (reset-stuck-jobs), then forget it");
                    }
                    return rs.getLong(2) > 0;
                }
            }
        });
    }

    /** Binds the worker upsert's 10 parameters; returns the next parameter index. */
    private static int bindWorker(PreparedStatement ps, WorkerInfo w, WorkerState state) throws SQLException {
        ps.setString(1, w.workerId());
        ps.setString(2, state.name());
        ps.setLong(3, w.jobsCompleted());
        ps.setLong(4, w.jobsFailed());
        ps.setString(5, w.host());
        ps.setLong(6, w.pid());
        ps.setInt(7, w.concurrency());
        ps.setInt(8, w.inFlight());
        ps.setString(9, text(w.lastError()));
        ps.setString(10, dev.docket.queue.internal.ExtractorFigures.encode(w.extractorFigures()));
        return 11;
    }

    @Override
    public List<WorkerInfo> workers() {
        return inConnection("list workers", c -> {
            List<WorkerInfo> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.workersList); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(JobRows.worker(rs));
                }
            }
            return out;
        });
    }

    // ------------------------------------------------------------------ stale jobs

    @Override
    public List<StaleJob> findStale(StaleCriteria criteria, int limit) {
        StoreChecks.notNull("criteria", criteria);
        StoreChecks.limit(limit);
        Long silentMs = criteria.ownerSilentFor() == null ? null : criteria.ownerSilentFor().toMillis();
        Long processingMs = criteria.processingLongerThan() == null ? null : criteria.processingLongerThan().toMillis();
        return inConnection("find stale jobs", c -> {
            List<StaleJob> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.findStale)) {
                setLongOrNull(ps, 1, silentMs);
                setLongOrNull(ps, 2, processingMs);
                ps.setBoolean(3, criteria.leaseExpired());
                setLongOrNull(ps, 4, silentMs);
                setLongOrNull(ps, 5, silentMs);
                setLongOrNull(ps, 6, processingMs);
                setLongOrNull(ps, 7, processingMs);
                ps.setInt(8, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // one unusual row never stops the scan: nulls are read as such, an unreadable
                        // payload as null (a reset does not need it; the next claim fails the job)
                        Job job = JobRows.job(rs, 1);
                        String problem = JobRows.unreadable(rs, 1);
                        String reason = staleReason(criteria, job, rs, JobSql.JOB_COLUMN_COUNT + 1);
                        if (problem != null) {
                            log.warn("stale job {}: {}", job.id(), problem);
                        }
                        out.add(new StaleJob(job, reason));
                    }
                }
            }
            return out;
        });
    }

    /** The stale-reason facts of the row (the {@code findStale} flag columns from {@code col}), in words. */
    private static String staleReason(StaleCriteria criteria, Job job, ResultSet rs, int col) throws SQLException {
        return StaleReasons.describe(criteria, new StaleReasons.Facts(job.workerId(), job.leaseExpiresAt() != null,
                rs.getBoolean(col), seconds(rs.getDouble(col + 1)), rs.getBoolean(col + 2), rs.getBoolean(col + 3),
                rs.getBoolean(col + 5), seconds(rs.getDouble(col + 4)), rs.getBoolean(col + 7),
                job.processingStartedAt() == null ? null : seconds(rs.getDouble(col + 6))));
    }

    /** Whole seconds from 1 s up (as operators read them), milliseconds below. */
    private static Duration seconds(double s) {
        if (s >= 1) {
            return Duration.ofSeconds((long) s);
        }
        return Duration.ofMillis(Math.max(0, Math.round(s * 1000)));
    }

    @Override
    public Optional<Job> reset(StaleJob stale, StaleDecision decision, String actor) {
        StoreChecks.notNull("stale", stale);
        StoreChecks.notNull("decision", decision);
        StoreChecks.actor(actor);
        Job job = stale.job();
        // a job without lease token (a legacy or hand-set PROCESSING row) is fenced on still having none
        boolean requeue = decision.isRequeue();
        String lastError = requeue ? null : decision.failureReason(); // null keeps the job's last error
        return inConnection("reset stale job " + job.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.reset)) {
                ps.setInt(1, decision.targetStatus().code());
                ps.setBoolean(2, requeue);
                ps.setBoolean(3, requeue);
                ps.setLong(4, decision.delay().toMillis());
                ps.setString(5, text(lastError));
                ps.setBoolean(6, requeue);
                ps.setLong(7, job.id());
                if (job.leaseToken() == null) {
                    ps.setNull(8, Types.OTHER);
                } else {
                    ps.setObject(8, job.leaseToken());
                }
                ps.setString(9, actor);
                ps.setString(10, text(stale.reason()));
                ps.setString(11, text(decision.failureReason()));
                ps.setBoolean(12, requeue);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(JobRows.job(rs, 1)) : Optional.<Job>empty();
                }
            }
        });
    }

    // ------------------------------------------------------------------ history and reads

    @Override
    public void recordEvent(long jobId, JobEventType type, String actor, String message) {
        StoreChecks.notNull("type", type);
        inConnection("record " + type + " for job " + jobId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.recordEvent)) {
                ps.setString(1, type.name());
                ps.setString(2, text(actor));
                ps.setString(3, text(message));
                ps.setLong(4, jobId);
                if (ps.executeUpdate() == 0) {
                    log.debug("event {} for job {} not recorded: the job does not exist", type, jobId);
                }
            }
            return null;
        });
    }

    @Override
    public Optional<Job> find(long jobId) {
        return inConnection("find job " + jobId, c -> find(c, jobId));
    }

    private Optional<Job> find(Connection c, long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.find)) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(JobRows.job(rs, 1)) : Optional.empty();
            }
        }
    }

    @Override
    public List<JobEvent> events(long jobId) {
        return inConnection("read the history of job " + jobId, c -> {
            List<JobEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.listEvents)) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(JobRows.event(rs));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public QueueStats stats() {
        return inConnection("read queue figures", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.stats); ResultSet rs = ps.executeQuery()) {
                rs.next();
                Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
                for (JobStatus s : JobStatus.values()) {
                    counts.put(s, rs.getLong(s.code()));
                }
                return new QueueStats(counts, JobRows.instant(rs, 6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                        rs.getLong(10), JobRows.instant(rs, 11));
            }
        });
    }

    @Override
    public Instant now() {
        return inConnection("read the database clock", this::databaseNow);
    }

    // ------------------------------------------------------------------ operator actions

    @Override
    public Job cancel(long jobId, String actor) {
        StoreChecks.actor(actor);
        return inConnection("cancel job " + jobId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.cancel)) {
                ps.setLong(1, jobId);
                ps.setString(2, actor);
                ps.setString(3, "cancelled by " + actor);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return JobRows.job(rs, 1);
                    }
                }
            }
            Job current = find(c, jobId).orElseThrow(() -> new JobNotFoundException(jobId));
            throw StoreChecks.notCancellable(jobId, current.status());
        });
    }

    @Override
    public Job retry(long jobId, String actor) {
        StoreChecks.actor(actor);
        return retry(jobId, actor, true);
    }

    private Job retry(long jobId, String actor, boolean again) {
        try {
            return inConnection("retry job " + jobId, c -> {
                try (PreparedStatement ps = c.prepareStatement(sql.retry)) {
                    ps.setLong(1, jobId);
                    ps.setString(2, actor);
                    ps.setString(3, actor);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return JobRows.job(rs, 1);
                        }
                    }
                } catch (SQLException e) {
                    if (SqlErrors.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw new KeyTaken(e); // the transaction is aborted: explained in a fresh one
                    }
                    throw e;
                }
                Job current = find(c, jobId).orElseThrow(() -> new JobNotFoundException(jobId));
                throw StoreChecks.notRetryable(jobId, current.status());
            });
        } catch (KeyTaken taken) {
            Optional<RuntimeException> refusal = inConnection("explain why job " + jobId + " cannot be retried",
                    c -> keyTaken(c, jobId));
            if (refusal.isPresent()) {
                throw refusal.get();
            }
            if (again) {
                return retry(jobId, actor, false); // the key's holder finished in between
            }
            throw new StoreException("job " + jobId + " cannot be retried: its idempotency key keeps changing hands",
                    true, taken.getCause());
        }
    }

    /** Why the job's key blocks its retry (the live holder), or empty when it no longer does. */
    private Optional<RuntimeException> keyTaken(Connection c, long jobId) throws SQLException {
        Job current = find(c, jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        if (current.status() != JobStatus.FAILED && current.status() != JobStatus.CANCELLED) {
            return Optional.of(StoreChecks.notRetryable(jobId, current.status()));
        }
        if (current.idempotencyKey() == null) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement(sql.findActiveByKeys)) {
            ps.setArray(1, c.createArrayOf("text", new String[] {current.idempotencyKey()}));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(StoreChecks.keyTaken(jobId, current.status(), current.idempotencyKey(),
                        rs.getLong(1))) : Optional.empty();
            }
        }
    }

    /** A retry hit the unique index of live idempotency keys (carries the SQLException). */
    private static final class KeyTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyTaken(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    @Override
    public int retryAllFailed(String documentSource, String actor) {
        StoreChecks.actor(actor);
        return inConnection("retry failed jobs" + (documentSource == null ? "" : " of " + documentSource), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.retryAllFailed)) {
                ps.setString(1, documentSource);
                ps.setString(2, documentSource);
                ps.setString(3, documentSource);
                ps.setString(4, documentSource);
                ps.setString(5, actor);
                ps.setString(6, "retried by " + actor + " (was FAILED)");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return (int) rs.getLong(1);
                }
            }
        });
    }

    @Override
    public int purge(Duration olderThan) {
        StoreChecks.olderThan(olderThan);
        long ms = olderThan.toMillis();
        int total = 0;
        while (true) {
            int deleted = inConnection("purge finished jobs older than " + Durations.format(olderThan), c -> {
                try (PreparedStatement ps = c.prepareStatement(sql.purge)) {
                    ps.setLong(1, ms);
                    ps.setInt(2, PURGE_SLICE);
                    return ps.executeUpdate();
                }
            });
            total += deleted;
            if (deleted < PURGE_SLICE) {
                break;
            }
        }
        inConnection("purge workers silent for longer than " + Durations.format(olderThan), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.purgeWorkers)) {
                ps.setLong(1, ms);
                return ps.executeUpdate();
            }
        });
        return total;
    }

    // ------------------------------------------------------------------ sources

    @Override
    public Optional<dev.docket.queue.SourcePolicy> sourcePolicy(String source) {
        String key = source == null ? null : StoreChecks.text("source", source);
        return inConnection("read the policy of source " + key, c -> sources.policy(c, key));
    }

    @Override
    public void setSourcePolicy(String source, dev.docket.queue.SourcePolicy policy, String actor) {
        String key = source == null ? null : StoreChecks.text("source", source);
        StoreChecks.actor(actor);
        inConnection("set the policy of source " + key, c -> {
            sources.setPolicy(c, key, policy, actor);
            return null;
        });
    }

    @Override
    public void pauseSource(String source, String reason, String actor) {
        String key = source == null ? null : StoreChecks.text("source", source);
        StoreChecks.text("reason", reason);
        StoreChecks.actor(actor);
        inConnection("pause source " + key, c -> {
            sources.pause(c, key, reason, actor);
            return null;
        });
    }

    @Override
    public boolean resumeSource(String source, String actor) {
        String key = source == null ? null : StoreChecks.text("source", source);
        StoreChecks.actor(actor);
        return inConnection("resume source " + key, c -> sources.resume(c, key, actor));
    }

    @Override
    public List<dev.docket.queue.SourceStatus> sources() {
        return inConnection("list sources", sources::statuses);
    }

    @Override
    public List<dev.docket.queue.SourceStatus> sourcesForAlerts() {
        return inConnection("list sources for alerts", sources::statusesForAlerts);
    }

    @Override
    public List<dev.docket.queue.SourceEvent> sourceEvents(String source, int limit) {
        StoreChecks.limit(limit);
        return inConnection("read source events", c -> sources.events(c, source, limit));
    }

    @Override
    public int reconcileSources() {
        checkOpen();
        return sources.reconcile(jdbc);
    }

    // ------------------------------------------------------------------ notifications and lifecycle

    /**
     * Runs {@code onJobsAvailable} on the {@code docket-listen-<schema>} thread whenever jobs are
     * enqueued (by any process, or by SQL) or become claimable again, via {@code LISTEN/NOTIFY}. Also
     * run once after every (re)connection of the listening connection. Returns a no-op subscription
     * when notifications are disabled.
     */
    @Override
    public Subscription subscribe(Runnable onJobsAvailable) {
        StoreChecks.notNull("onJobsAvailable", onJobsAvailable);
        checkOpen();
        if (listener == null) {
            return () -> { };
        }
        return listener.subscribe(onJobsAvailable);
    }

    /** True while the LISTEN connection is up (tests, health checks). */
    public boolean isListening() {
        return listener != null && listener.isConnected();
    }

    /** How many times the LISTEN connection was opened (tests). */
    long listenConnectionCount() {
        return listener == null ? 0 : listener.connectionCount();
    }

    /** Writes the accepted finishing writes, stops the internal threads, closes the LISTEN connection. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        batcher.close(finishWait);
        if (listener != null) {
            listener.close();
        }
        log.debug("store for schema '{}' closed", schema);
    }

    @Override
    public String toString() {
        return "PostgresJobStore{schema=" + schema + "}";
    }

    // ------------------------------------------------------------------ plumbing

    /** Runs {@code work} as one transaction bounded by this store's timeouts ({@link Jdbc#inTransaction}). */
    private <T> T inConnection(String operation, Jdbc.SqlWork<T> work) {
        checkOpen();
        return jdbc.inTransaction(operation, work);
    }

    /**
     * Runs one statement's work bounded by this store's timeouts: as a transaction of its own, or, on a
     * {@linkplain Builder#dedicatedDataSource dedicated DataSource}, in auto-commit ({@link Jdbc#inStatement}).
     */
    private <T> T inStatement(String operation, Jdbc.SqlWork<T> work) {
        checkOpen();
        return jdbc.inStatement(operation, work);
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new StoreException("PostgresJobStore for schema '" + schema + "' is closed", false);
        }
    }

    /**
     * Text as every store keeps it ({@link StoredText#clean}): {@code text} cannot hold U+0000, which
     * error messages from user code may contain, and control characters would reach operators'
     * terminals; they become U+FFFD instead of failing the write.
     */
    static String text(String s) {
        return StoredText.clean(s);
    }

    private static void setLongOrNull(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private static void requireTimeout(String name, Duration d) {
        if (d == null || d.compareTo(MIN_TIMEOUT) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(name + " must be " + Durations.format(MIN_TIMEOUT) + "-"
                    + Durations.format(MAX_TIMEOUT) + " but was " + d);
        }
    }

    /**
     * Builds a {@link PostgresJobStore}. {@link #build()} validates every setting, checks that the
     * DataSource reaches PostgreSQL 13+ and that the schema is at this library's version (or migrates
     * it with {@link #autoMigrate(boolean) autoMigrate}). Not thread-safe.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String schema = DEFAULT_SCHEMA;
        private boolean autoMigrate = DEFAULT_AUTO_MIGRATE;
        private boolean schemaManagedExternally;
        private Duration finishBatchWindow = DEFAULT_FINISH_BATCH_WINDOW;
        private int finishBatchSize = DEFAULT_FINISH_BATCH_SIZE;
        private boolean notifications = DEFAULT_NOTIFICATIONS;
        private String listenUrl;
        private Properties listenProperties;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
        private boolean dedicatedDataSource;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /** The schema holding Docket's tables; default {@value #DEFAULT_SCHEMA}; must match [a-z_][a-z0-9_]{0,62}. */
        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /**
         * Whether {@link #build()} runs {@link SchemaMigrator#migrate(DataSource, String)} first (needs DDL
         * privileges); default {@value #DEFAULT_AUTO_MIGRATE}.
         */
        public Builder autoMigrate(boolean autoMigrate) {
            this.autoMigrate = autoMigrate;
            return this;
        }

        /**
         * Whether the schema is migrated by the application's own tool (Flyway, Liquibase) from Docket's
         * migration files rather than by {@link SchemaMigrator}; default false. Then {@link #build()} checks
         * that every table and column this library needs is there instead of reading
         * {@value SchemaMigrator#VERSION_TABLE} (which such a schema lacks), and {@link #autoMigrate(boolean)
         * autoMigrate} must stay false.
         */
        public Builder schemaManagedExternally(boolean schemaManagedExternally) {
            this.schemaManagedExternally = schemaManagedExternally;
            return this;
        }

        /**
         * How long the finish batcher waits for more finishing writes after the first of a batch:
         * 0-1s, default 2ms. Zero takes only what is already queued.
         */
        public Builder finishBatchWindow(Duration window) {
            this.finishBatchWindow = window;
            return this;
        }

        /** Most finishing writes in one statement: 1-{@value #MAX_FINISH_BATCH_SIZE}, default {@value #DEFAULT_FINISH_BATCH_SIZE}. */
        public Builder finishBatchSize(int size) {
            this.finishBatchSize = size;
            return this;
        }

        /**
         * Whether {@link PostgresJobStore#subscribe(Runnable)} listens for notifications (default
         * {@value #DEFAULT_NOTIFICATIONS}). Off, it returns a no-op subscription and runtimes poll.
         */
        public Builder notifications(boolean notifications) {
            this.notifications = notifications;
            return this;
        }

        /**
         * Longest any one statement of the store may run, lock waits included: 100ms-10m, default 10s
         * (well below the default lease of 30s, so a stalled database cannot hold a claim, a lease
         * renewal or a finishing write for longer than a lease). Set per transaction, never on the
         * pool's connections. A statement cut off fails with a transient {@link StoreException}
         * (SQLState 57014) that the runtime retries. A finishing write waits for its batch at most
         * twice this plus 1s.
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = timeout;
            return this;
        }

        /**
         * Longest a statement waits for a lock someone else holds (a migration, {@code VACUUM FULL}, an
         * admin's {@code LOCK TABLE}): 100ms-10m and at most the statement timeout, default 5s. A
         * statement that gives up fails with a transient {@link StoreException} (SQLState 55P03).
         */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = timeout;
            return this;
        }

        /**
         * Says that the DataSource serves this store only (no other code uses its connections), so the
         * statement and lock timeouts can be set once per connection (session level) instead of at the start
         * of every transaction, and single-statement operations (finishing-write batches, heartbeats) run
         * without an explicit transaction: two round trips fewer per operation, 10-15 % more no-op drain
         * throughput on this project's benchmark. Default {@code false}: with a DataSource the application
         * shares, the timeouts must stay inside Docket's own transactions. Do not set it behind a pooler that
         * hands one server session to several clients (PgBouncer in transaction mode).
         */
        public Builder dedicatedDataSource(boolean dedicated) {
            this.dedicatedDataSource = dedicated;
            return this;
        }

        /**
         * Opens the LISTEN connection with {@code DriverManager.getConnection(url, properties)} instead of
         * holding one of the DataSource's connections for good. {@code properties} may carry
         * {@code user} and {@code password}; they are copied and never logged.
         */
        public Builder listenUrl(String url, Properties properties) {
            this.listenUrl = url;
            this.listenProperties = properties == null ? new Properties() : properties;
            return this;
        }

        /**
         * Validates, checks the database and schema, starts the finish batcher.
         *
         * @throws IllegalArgumentException naming the bad setting and its value
         * @throws StoreException           when the database is unreachable (transient), is not PostgreSQL
         *                                  13+, or the schema is missing, older or newer than this library
         */
        public PostgresJobStore build() {
            Objects.requireNonNull(dataSource, "dataSource");
            SqlIdentifiers.requireSchema("schema", schema);
            if (finishBatchWindow == null || finishBatchWindow.isNegative()
                    || finishBatchWindow.compareTo(MAX_FINISH_BATCH_WINDOW) > 0) {
                throw new IllegalArgumentException("finishBatchWindow must be 0-" + MAX_FINISH_BATCH_WINDOW.toMillis()
                        + "ms but was " + finishBatchWindow);
            }
            if (finishBatchSize < 1 || finishBatchSize > MAX_FINISH_BATCH_SIZE) {
                throw new IllegalArgumentException("finishBatchSize must be 1-" + MAX_FINISH_BATCH_SIZE + " but was "
                        + finishBatchSize);
            }
            requireTimeout("statementTimeout", statementTimeout);
            requireTimeout("lockTimeout", lockTimeout);
            if (lockTimeout.compareTo(statementTimeout) > 0) {
                throw new IllegalArgumentException("lockTimeout must not be longer than statementTimeout ("
                        + statementTimeout + ") but was " + lockTimeout);
            }
            if (listenUrl != null && !listenUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("listenUrl must be a jdbc:postgresql: URL but was '"
                        + JdbcUrls.mask(listenUrl) + "'");
            }
            if (autoMigrate && schemaManagedExternally) {
                throw new IllegalArgumentException("autoMigrate must be false when schemaManagedExternally is true"
                        + " (the application's migration tool owns the schema) but was true");
            }
            if (autoMigrate) {
                SchemaMigrator.migrate(dataSource, schema);
            }
            String description = Jdbc.over(dataSource, schema).onConnection("open the Docket store", c -> {
                Databases.requirePostgres(c, "PostgresJobStore");
                if (schemaManagedExternally) {
                    SchemaMigrator.requireTables(c, schema);
                } else {
                    SchemaMigrator.requireCurrent(c, schema);
                }
                return JdbcUrls.mask(c.getMetaData().getURL());
            });
            NotificationListener.ConnectionFactory listenFactory = listenUrl != null
                    ? NotificationListener.fromUrl(listenUrl, listenProperties)
                    : NotificationListener.fromDataSource(dataSource, description + " (from the DataSource)");
            PostgresJobStore store = new PostgresJobStore(this, listenFactory);
            log.info("Docket store ready on {} schema '{}' (schema version {})", description, schema,
                    SchemaMigrator.latestVersion());
            return store;
        }
    }
}
