package dev.docket.queue.jdbc.internal;

/**
 * Every statement {@code PostgresJobStore} runs, for one schema. The schema is the only text put
 * into SQL (validated by {@link SqlIdentifiers}, double-quoted); every value is a bound parameter,
 * lists are bound as arrays and expanded with {@code unnest}. Every timestamp comes from the
 * database's {@code now()}. Immutable and thread-safe.
 *
 * <p>Multi-row writes that can meet each other (the finish batch and the heartbeat's lease
 * renewals) first lock their rows in id order ({@code ORDER BY id FOR UPDATE}) so two of them never
 * deadlock; the claim never waits at all ({@code SKIP LOCKED}).
 */
public final class JobSql {
    /** Longest payload text read back (4x the enqueue limit: jsonb's spacing can add up to 2x). */
    public static final int PAYLOAD_READ_LIMIT = 4 * dev.docket.queue.NewJob.MAX_PAYLOAD_LENGTH;
    /** Longest result text read back. */
    public static final int RESULT_READ_LIMIT = 4 * dev.docket.queue.internal.StoredText.MAX_RESULT_LENGTH;

    /**
     * Columns of a job, in the order {@link JobRows#job} reads them; {@code {a}} is the table alias
     * (plain names get it as prefix). The JSON columns are read defensively: a row written by plain
     * SQL (or before validation bounded the printed size) can hold numbers that print as hundreds
     * of MB ({@code 1e131071} prints as 131,072 digits). Such a value is not printed at all (a
     * jsonpath finds numbers beyond what a valid job can hold, without printing them), and any other
     * is sent cut to one character over its read limit; the last two columns say which values were
     * withheld, and {@link JobRows} reports both cases as unreadable.
     */
    private static final String[] JOB_COLUMNS = {
        "id", "document_source", "document_number",
        "CASE WHEN " + huge("{a}.payload", dev.docket.queue.NewJob.MAX_PAYLOAD_LENGTH) + " THEN NULL"
            + " ELSE left({a}.payload::text, " + (PAYLOAD_READ_LIMIT + 1) + ") END AS payload",
        "status_id", "priority", "attempts",
        "max_attempts", "run_after", "worker_id", "lease_token", "lease_expires_at", "processing_started_at",
        "reset_count", "last_error",
        "CASE WHEN " + huge("{a}.result", dev.docket.queue.internal.StoredText.MAX_RESULT_LENGTH) + " THEN NULL"
            + " ELSE left({a}.result::text, " + (RESULT_READ_LIMIT + 1) + ") END AS result",
        "idempotency_key", "created_at", "updated_at", "completed_at",
        "coalesce(" + huge("{a}.payload", dev.docket.queue.NewJob.MAX_PAYLOAD_LENGTH) + ", false) AS payload_withheld",
        "coalesce(" + huge("{a}.result", dev.docket.queue.internal.StoredText.MAX_RESULT_LENGTH) + ", false)"
            + " AS result_withheld"};
    /** How many columns {@link #jobColumns(String)} returns. */
    public static final int JOB_COLUMN_COUNT = JOB_COLUMNS.length;

    /** True when the jsonb {@code column} holds a number that alone prints longer than {@code limit}. */
    private static String huge(String column, int limit) {
        return "jsonb_path_exists(" + column + ", 'strict $.** ? (@.type() == \"number\" && (@ >= 1e" + limit
                + " || @ <= -1e" + limit + "))')";
    }

    public final String schema;
    private final String schemaPrefix;
    public final String queue;
    public final String workers;
    public final String events;
    public final String channel;
    /** {@code docket_source}: one row per source with a policy or flow-control state. */
    public final String sources;
    /** {@code docket_source_event}: the sources' history. */
    public final String sourceEvents;
    /**
     * The CTE {@code srcs(s)} (for a {@code WITH RECURSIVE}): the distinct sources of the PENDING jobs, by a loose
     * scan of {@code extraction_queue_source_claim_idx} (one index probe per source), ending with a null row.
     */
    public final String sourceScan;
    /** The job columns of alias {@code q} ({@link #jobColumns(String)}). */
    private final String columns;

    /**
     * What the enqueue statements return per inserted job: its id, its payload as jsonb prints it (no
     * withholding needed: a NewJob's payload prints within PAYLOAD_READ_LIMIT) and its run_after unless it is the
     * transaction's now() (then null), and that now() itself (also created_at and updated_at), so the enqueue
     * needs no round trip to read the clock.
     */
    private static final String ENQUEUE_RETURNING =
            "q.id, q.payload::text AS payload, nullif(q.run_after, now()), now() AS enqueued_at";

    public final String enqueue;
    /** {@link #enqueue} for a batch without idempotency keys: one INSERT, no join (nothing can be skipped). */
    public final String enqueueKeyless;
    public final String findActiveByKeys;
    public final String claim;
    public final String failUnreadable;
    public final String finishBatch;
    public final String explainLost;
    public final String heartbeat;
    public final String markWorkerStopped;
    public final String forgetWorker;
    public final String findStale;
    public final String reset;
    public final String recordEvent;
    public final String find;
    public final String listEvents;
    public final String workersList;
    public final String stats;
    public final String cancel;
    public final String retry;
    public final String retryAllFailed;
    public final String purge;
    public final String purgeWorkers;
    public final String now;
    public final String saveProgress;
    public final String findProgress;
    public final String eventsOfPurgeable;

    public JobSql(String schema) {
        this.schema = SqlIdentifiers.requireSchema("schema", schema);
        String s = SqlIdentifiers.quote(schema);
        this.schemaPrefix = s + ".";
        this.queue = s + ".extraction_queue";
        this.workers = s + ".worker_status";
        this.events = s + ".extraction_job_event";
        this.channel = SqlIdentifiers.channel(schema);
        this.sources = s + ".docket_source";
        this.sourceEvents = s + ".docket_source_event";

        this.columns = jobColumns("q");
        this.sourceScan = fill("""
                srcs AS (
                  (SELECT c.document_source AS s FROM ${queue} c WHERE c.status_id = 1 ORDER BY c.document_source LIMIT 1)
                  UNION ALL
                  SELECT (SELECT c.document_source FROM ${queue} c WHERE c.status_id = 1 AND c.document_source > srcs.s
                          ORDER BY c.document_source LIMIT 1) FROM srcs WHERE srcs.s IS NOT NULL
                )""");

        // Inserts a batch in order; ids are drawn in input order, so FIFO holds within a batch. A job whose
        // idempotency key is held by a non-terminal job is skipped (ON CONFLICT) and looked up afterwards.
        // Returns per inserted job only what the database decides (ENQUEUE_RETURNING); the caller has the rest
        // (the input and the columns' defaults). The sequence is looked up once (an InitPlan), not per row.
        enqueue = fill("""
                WITH input AS (
                  SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::text[], ?::text[])
                    WITH ORDINALITY AS t(document_source, document_number, payload, priority, max_attempts, run_after,
                    idempotency_key, ord)
                ), numbered AS MATERIALIZED (
                  SELECT nextval((SELECT pg_get_serial_sequence('${queue}', 'id')::regclass)) AS id, input.*
                  FROM input ORDER BY ord
                ), ins AS (
                  INSERT INTO ${queue} AS q (id, document_source, document_number, payload, priority, max_attempts,
                    run_after, idempotency_key)
                  SELECT id, document_source, document_number, payload::jsonb, priority, max_attempts,
                    coalesce(run_after::timestamptz, now()), idempotency_key FROM numbered ORDER BY ord
                  ON CONFLICT (idempotency_key) WHERE status_id IN (1, 2) AND idempotency_key IS NOT NULL DO NOTHING
                  RETURNING ${returning}
                ) SELECT n.ord, ins.* FROM ins JOIN numbered n ON n.id = ins.id ORDER BY n.ord"""
                .replace("${returning}", ENQUEUE_RETURNING));
        // The same for a batch without idempotency keys, where nothing can be skipped: the ids (the column
        // default) are drawn in input order, so the rows in id order are the jobs in input order.
        enqueueKeyless = fill("""
                WITH ins AS (
                  INSERT INTO ${queue} AS q (document_source, document_number, payload, priority, max_attempts,
                    run_after)
                  SELECT document_source, document_number, payload::jsonb, priority, max_attempts,
                    coalesce(run_after::timestamptz, now())
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::text[])
                    WITH ORDINALITY AS t(document_source, document_number, payload, priority, max_attempts, run_after,
                    ord)
                  ORDER BY ord
                  RETURNING ${returning}
                ) SELECT * FROM ins ORDER BY id""".replace("${returning}", ENQUEUE_RETURNING));

        findActiveByKeys = fill("""
                SELECT ${columns} FROM ${queue} q
                WHERE q.idempotency_key = ANY(?::text[]) AND q.status_id IN (1, 2)""");

        // The claim: one statement, fair across sources. It walks the sources of the PENDING jobs (a loose index
        // scan), lets each take up to its quota (the limit, or what the slow path computed for a gated source), locks
        // each source's best jobs skipping rows another claimer holds, and takes them round-robin: every source's
        // first job, then every source's second, ..., the sources in an order rotated by docket_claim_seq at each
        // claim. On the fast path (slow = false) it claims nothing when some source row is gated (paused, blocked,
        // open, capped or rate-limited) and says so in its first column: the store then takes the slow path.
        // Parameters: worker, lease ms, slow, gated sources, their quotas, capped sources, limit.
        claim = fill("""
                WITH RECURSIVE p AS (
                  SELECT ?::text AS worker, ?::bigint AS lease_ms, ?::boolean AS slow, ?::text[] AS g_src,
                    ?::int[] AS g_n, ?::text[] AS capped, ?::int AS lim
                ), gate AS (
                  SELECT count(*) AS n FROM ${sources} WHERE paused OR blocked_until > now() OR circuit <> 0
                    OR concurrency IS NOT NULL OR rate_permits IS NOT NULL
                ), ${sourceScan}, ranked AS (
                  SELECT s, row_number() OVER (ORDER BY s) AS idx, count(*) OVER () AS cnt FROM srcs WHERE s IS NOT NULL
                ), quota AS (
                  SELECT r.s, (r.idx + (SELECT nextval('${claimSeq}'))) % r.cnt AS ord,
                    CASE WHEN r.s = ANY(p.g_src) THEN p.g_n[array_position(p.g_src, r.s)] ELSE p.lim END AS k
                  FROM ranked r, p WHERE p.slow OR (SELECT n FROM gate) = 0
                ), cand AS (
                  SELECT x.id, x.rn, qu.ord FROM quota qu CROSS JOIN LATERAL (
                    SELECT y.id, row_number() OVER () AS rn FROM (
                      SELECT c.id FROM ${queue} c
                      WHERE c.status_id = 1 AND c.document_source = qu.s AND c.run_after <= now()
                      ORDER BY c.priority DESC, c.run_after, c.id LIMIT qu.k FOR UPDATE SKIP LOCKED) y) x
                  WHERE qu.k > 0
                ), picked AS (
                  SELECT id FROM cand ORDER BY rn, ord LIMIT (SELECT lim FROM p)
                ), upd AS (
                  UPDATE ${queue} q SET status_id = 2, worker_id = p.worker, processing_started_at = now(),
                    attempts = q.attempts + 1, lease_token = gen_random_uuid(),
                    lease_expires_at = now() + p.lease_ms * interval '1 millisecond', updated_at = now(),
                    holds_slot = q.document_source = ANY(p.capped)
                  FROM p WHERE q.id IN (SELECT id FROM picked)
                  RETURNING ${columns}
                ) SELECT (SELECT n FROM gate) AS gated, upd.* FROM (SELECT 1) one LEFT JOIN upd ON true""");

        // Claimed rows that cannot be read (see JOB_COLUMNS): FAILED at once, in the claim's transaction,
        // giving the attempt back; fenced by the token the claim just gave them.
        failUnreadable = fill("""
                WITH bad AS (
                  SELECT * FROM unnest(?::bigint[], ?::uuid[], ?::text[]) AS t(id, token, reason)
                ), upd AS (
                  UPDATE ${queue} q SET status_id = 4, attempts = greatest(q.attempts - 1, 0), last_error = b.reason,
                    lease_token = NULL, lease_expires_at = NULL, completed_at = now(), updated_at = now()
                  FROM bad b WHERE q.id = b.id AND q.lease_token = b.token AND q.status_id = 2
                  RETURNING q.id, b.reason
                ) INSERT INTO ${events} (job_id, type, worker_id, message)
                SELECT id, 'FAILED', ?, reason FROM upd ORDER BY id""");

        // The finish batch: one statement for many finishing writes. Each row is fenced on its own
        // (id, lease_token, status_id = 2); rows that fail the fence are simply not returned.
        // "locked" locks the batch's rows by primary key, in id order, and reads their current status and
        // token; the fence is checked on those in "upd". No status predicate in "locked" on purpose: with
        // one, the planner may drive the lock from the partial stale index (estimated at ~1 row, but full of
        // dead entries in a busy queue) into a quadratic nested loop over the batch.
        finishBatch = fill("""
                WITH input AS (
                  SELECT * FROM unnest(?::bigint[], ?::uuid[], ?::int[], ?::text[], ?::text[], ?::bigint[], ?::int[],
                    ?::text[], ?::text[], ?::text[], ?::int[])
                    AS t(id, token, status, result, error, delay_ms, attempt_delta, event, message, actor, effect)
                ), locked AS (
                  SELECT q.id AS job_id, q.status_id AS cur_status, q.lease_token AS cur_token, i.token, i.status,
                    i.result, i.error, i.delay_ms, i.attempt_delta, i.event, i.message, i.actor, i.effect
                  FROM input i JOIN ${queue} q ON q.id = i.id ORDER BY q.id FOR UPDATE OF q
                ), upd AS (
                  UPDATE ${queue} q SET
                    status_id = l.status,
                    result = CASE WHEN l.status = 3 THEN l.result::jsonb ELSE q.result END,
                    last_error = CASE WHEN l.status = 3 THEN q.last_error ELSE l.error END,
                    run_after = CASE WHEN l.status = 1 THEN now() + l.delay_ms * interval '1 millisecond'
                      ELSE q.run_after END,
                    attempts = greatest(q.attempts + l.attempt_delta, 0),
                    worker_id = CASE WHEN l.status = 1 THEN NULL ELSE q.worker_id END,
                    lease_token = NULL, lease_expires_at = NULL,
                    completed_at = CASE WHEN l.status IN (3, 4) THEN now() END,
                    holds_slot = false,
                    updated_at = now()
                  FROM locked l
                  WHERE q.id = l.job_id AND l.cur_status = 2 AND l.cur_token = l.token
                  RETURNING l.token AS fenced_token, ${columns}, l.event AS ev_type, l.message AS ev_message,
                    l.actor AS ev_actor, l.effect AS ev_effect
                ), ev AS (
                  INSERT INTO ${events} (job_id, type, worker_id, message)
                  SELECT u.id, u.ev_type, u.ev_actor, u.ev_message FROM upd u WHERE u.ev_type IS NOT NULL ORDER BY u.id
                ), per_source AS (
                  SELECT u.document_source AS source, count(*) FILTER (WHERE u.ev_effect = 1) AS completed,
                    count(*) FILTER (WHERE u.ev_effect = 0) AS neutral, min(u.ev_actor) AS actor
                  FROM upd u GROUP BY 1
                ), src_locked AS (
                  SELECT ds.source, ds.circuit AS old_circuit, t.completed, t.neutral, t.actor
                  FROM ${sources} ds JOIN per_source t ON t.source = ds.source
                  WHERE (t.completed > 0 AND (ds.consecutive_failures > 0 OR ds.circuit <> 0
                    OR ds.effective_rate > 0)) OR (t.neutral > 0 AND ds.circuit = 2)
                  ORDER BY ds.source FOR UPDATE OF ds
                ), src AS (
                  UPDATE ${sources} ds SET
                    consecutive_failures = CASE WHEN l.completed > 0 THEN 0 ELSE ds.consecutive_failures END,
                    circuit = CASE WHEN l.completed > 0 THEN 0 WHEN l.neutral > 0 AND ds.circuit = 2 THEN 1
                      ELSE ds.circuit END,
                    open_until = CASE WHEN l.completed > 0 THEN NULL WHEN l.neutral > 0 AND ds.circuit = 2
                      THEN '1970-01-01T00:00:00Z' ELSE ds.open_until END,
                    cool_down_ms = CASE WHEN l.completed > 0 THEN NULL ELSE ds.cool_down_ms END,
                    effective_rate = CASE WHEN l.completed > 0 AND ds.effective_rate > 0 AND ds.full_rate > 0 THEN
                      CASE WHEN ds.effective_rate + ds.full_rate * 0.05 * l.completed >= ds.full_rate THEN 0
                        ELSE ds.effective_rate + ds.full_rate * 0.05 * l.completed END
                      ELSE ds.effective_rate END,
                    updated_at = now()
                  FROM src_locked l WHERE ds.source = l.source
                  RETURNING ds.source, l.old_circuit, l.completed, l.actor
                ), src_ev AS (
                  INSERT INTO ${sourceEvents} (source, type, actor, message)
                  SELECT source, 'CIRCUIT_CLOSED', actor, 'a job succeeded: circuit closed' FROM src
                  WHERE old_circuit <> 0 AND completed > 0
                ) SELECT * FROM upd""");

        explainLost = fill("""
                SELECT id, status_id, worker_id, lease_token FROM ${queue} WHERE id = ANY(?::bigint[])""");

        String workerUpsert = fill("""
                INSERT INTO ${workers} AS ws (worker_id, status, last_heartbeat, jobs_completed,
                  jobs_failed, host, pid, started_at, concurrency, in_flight, last_error, extractor_figures)
                VALUES (?, ?, now(), ?, ?, ?, ?, now(), ?, ?, ?, ?)
                ON CONFLICT (worker_id) DO UPDATE SET status = EXCLUDED.status, last_heartbeat = now(),
                  jobs_completed = EXCLUDED.jobs_completed, jobs_failed = EXCLUDED.jobs_failed, host = EXCLUDED.host,
                  pid = EXCLUDED.pid, concurrency = EXCLUDED.concurrency, in_flight = EXCLUDED.in_flight,
                  last_error = EXCLUDED.last_error, extractor_figures = EXCLUDED.extractor_figures,
                  started_at = CASE WHEN ws.status = 'STOPPED' THEN now() ELSE ws.started_at END""");

        // The heartbeat: the worker row and every held lease in one statement (one round trip); returns the
        // held ids that could not be renewed. As in finishBatch: lock by primary key in id order, check the
        // fence on the locked row.
        heartbeat = fill("""
                WITH w AS (${workerUpsert} RETURNING ws.worker_id
                ), held AS (
                  SELECT * FROM unnest(?::bigint[], ?::uuid[]) AS t(id, token)
                ), locked AS (
                  SELECT q.id, q.status_id AS cur_status, q.lease_token AS cur_token, h.token
                  FROM held h JOIN ${queue} q ON q.id = h.id ORDER BY q.id FOR UPDATE OF q
                ), renewed AS (
                  UPDATE ${queue} q SET lease_expires_at = now() + ? * interval '1 millisecond', updated_at = now()
                  FROM locked l WHERE q.id = l.id AND l.cur_status = 2 AND l.cur_token = l.token RETURNING q.id
                ) SELECT h.id FROM held h WHERE NOT EXISTS (SELECT 1 FROM renewed r WHERE r.id = h.id)""")
                .replace("${workerUpsert}", workerUpsert);

        markWorkerStopped = workerUpsert;

        // Deletes the worker's row unless it owns PROCESSING jobs, in one statement: the count and the
        // delete see the same snapshot, and the row is locked by the delete. Binds the worker id twice.
        forgetWorker = fill("""
                WITH held AS (SELECT count(*) AS n FROM ${queue} WHERE status_id = 2 AND worker_id = ?),
                gone AS (DELETE FROM ${workers} w WHERE w.worker_id = ? AND (SELECT n FROM held) = 0 RETURNING 1)
                SELECT (SELECT n FROM held), (SELECT count(*) FROM gone)""");

        // Stale jobs with the figures for the reason text. Criteria: lease expired (or owner STOPPED);
        // owner silent (no row, STOPPED, or heartbeat too old); processing too long.
        findStale = fill("""
                SELECT ${columns},
                  coalesce(q.lease_expires_at <= now(), true) AS lease_expired,
                  extract(epoch FROM now() - q.lease_expires_at) AS expired_for_s,
                  w.worker_id IS NULL AS owner_missing,
                  coalesce(w.status = 'STOPPED', false) AS owner_stopped,
                  extract(epoch FROM now() - w.last_heartbeat) AS silent_s,
                  coalesce(w.last_heartbeat < now() - ?::bigint * interval '1 millisecond', false) AS owner_silent,
                  extract(epoch FROM now() - q.processing_started_at) AS processing_s,
                  coalesce(q.processing_started_at < now() - ?::bigint * interval '1 millisecond', true) AS too_long
                FROM ${queue} q LEFT JOIN ${workers} w ON w.worker_id = q.worker_id
                WHERE q.status_id = 2 AND (
                  (?::boolean AND (q.lease_expires_at IS NULL OR q.lease_expires_at <= now() OR w.status = 'STOPPED'))
                  OR (?::bigint IS NOT NULL AND (w.worker_id IS NULL OR w.status = 'STOPPED'
                      OR w.last_heartbeat < now() - ?::bigint * interval '1 millisecond'))
                  OR (?::bigint IS NOT NULL AND (q.processing_started_at IS NULL
                      OR q.processing_started_at < now() - ?::bigint * interval '1 millisecond')))
                ORDER BY q.processing_started_at NULLS FIRST, q.id LIMIT ?""");

        // A stale reset, fenced by the token the stale scan saw; a row without token (imported from the old
        // system, or set PROCESSING by hand) is fenced on having none still: claims always set one.
        reset = fill("""
                WITH upd AS (
                  UPDATE ${queue} q SET status_id = ?,
                    worker_id = CASE WHEN ?::boolean THEN NULL ELSE q.worker_id END,
                    lease_token = NULL, lease_expires_at = NULL,
                    run_after = CASE WHEN ?::boolean THEN now() + ? * interval '1 millisecond' ELSE q.run_after END,
                    reset_count = q.reset_count + 1, last_error = coalesce(?, q.last_error),
                    completed_at = CASE WHEN ?::boolean THEN NULL ELSE now() END,
                    updated_at = now()
                  WHERE q.id = ? AND q.lease_token IS NOT DISTINCT FROM ?::uuid AND q.status_id = 2
                  RETURNING ${columns}
                ), src AS (
                  UPDATE ${sources} ds SET circuit = 1, open_until = '1970-01-01T00:00:00Z'
                  FROM upd WHERE ds.source = upd.document_source AND ds.circuit = 2
                ), ev AS (
                  INSERT INTO ${events} (job_id, type, worker_id, message)
                  SELECT upd.id, e.type, ?, e.message FROM upd
                  CROSS JOIN (VALUES (1, 'RESET', ?::text), (2, 'FAILED', ?::text)) AS e(n, type, message)
                  WHERE e.n = 1 OR NOT ?::boolean ORDER BY e.n
                ) SELECT * FROM upd""");

        // an event for a job that does not exist (purged meanwhile) is dropped, not an error
        recordEvent = fill("""
                INSERT INTO ${events} (job_id, type, worker_id, message)
                SELECT id, ?, ?, ? FROM ${queue} WHERE id = ?""");
        find = fill("SELECT ${columns} FROM ${queue} q WHERE q.id = ?");
        listEvents = fill("""
                SELECT job_id, type, worker_id, message, created_at FROM ${events} WHERE job_id = ? ORDER BY id""");
        workersList = fill("""
                SELECT worker_id, host, pid, status, started_at, last_heartbeat, concurrency, in_flight,
                  jobs_completed, jobs_failed, last_error, extractor_figures FROM ${workers} ORDER BY last_heartbeat DESC, worker_id""");

        stats = fill("""
                WITH counts AS (SELECT status_id, count(*) AS n FROM ${queue} GROUP BY status_id)
                SELECT
                  coalesce((SELECT n FROM counts WHERE status_id = 1), 0),
                  coalesce((SELECT n FROM counts WHERE status_id = 2), 0),
                  coalesce((SELECT n FROM counts WHERE status_id = 3), 0),
                  coalesce((SELECT n FROM counts WHERE status_id = 4), 0),
                  coalesce((SELECT n FROM counts WHERE status_id = 5), 0),
                  (SELECT created_at FROM ${queue} WHERE status_id = 1 AND run_after <= now() ORDER BY created_at LIMIT 1),
                  (SELECT count(*) FROM ${queue} WHERE status_id = 3 AND completed_at >= now() - interval '5 minutes'),
                  (SELECT count(*) FROM ${queue} WHERE status_id = 4 AND completed_at >= now() - interval '5 minutes'),
                  (SELECT count(*) FROM ${queue} WHERE status_id = 3 AND completed_at >= now() - interval '60 minutes'),
                  (SELECT count(*) FROM ${queue} WHERE status_id = 4 AND completed_at >= now() - interval '60 minutes'),
                  now()""");

        cancel = fill("""
                WITH upd AS (
                  UPDATE ${queue} q SET status_id = 5, completed_at = now(), updated_at = now()
                  WHERE q.id = ? AND q.status_id = 1 RETURNING ${columns}
                ), ev AS (
                  INSERT INTO ${events} (job_id, type, worker_id, message) SELECT id, 'CANCELLED', ?, ? FROM upd
                ) SELECT * FROM upd""");

        retry = fill("""
                WITH old AS (
                  SELECT id, status_id FROM ${queue} WHERE id = ? AND status_id IN (4, 5) FOR UPDATE
                ), upd AS (
                  UPDATE ${queue} q SET ${toPending}
                  FROM old WHERE q.id = old.id AND q.status_id IN (4, 5) RETURNING ${columns}
                ), ev AS (
                  INSERT INTO ${events} (job_id, type, worker_id, message)
                  SELECT upd.id, 'RETRIED', ?, 'retried by ' || ?::text || ' (was '
                    || CASE old.status_id WHEN 4 THEN 'FAILED' ELSE 'CANCELLED' END || ')'
                  FROM upd JOIN old ON old.id = upd.id
                ) SELECT * FROM upd""");

        // Every FAILED job back to PENDING; of several FAILED jobs sharing an idempotency key only the
        // newest is revived, and none while another job with that key is still pending or processing.
        retryAllFailed = fill("""
                WITH candidates AS (
                  SELECT f.id FROM ${queue} f
                  WHERE f.status_id = 4 AND (?::text IS NULL OR f.document_source = ?::text)
                    AND (f.idempotency_key IS NULL OR (
                      NOT EXISTS (SELECT 1 FROM ${queue} a WHERE a.idempotency_key = f.idempotency_key
                        AND a.status_id IN (1, 2))
                      AND f.id = (SELECT max(g.id) FROM ${queue} g WHERE g.idempotency_key = f.idempotency_key
                        AND g.status_id = 4 AND (?::text IS NULL OR g.document_source = ?::text))))
                  ORDER BY f.id FOR UPDATE OF f
                ), upd AS (
                  UPDATE ${queue} q SET ${toPending}
                  WHERE q.id IN (SELECT id FROM candidates) AND q.status_id = 4 RETURNING q.id
                ), ev AS (
                  INSERT INTO ${events} (job_id, type, worker_id, message) SELECT id, 'RETRIED', ?, ? FROM upd
                ) SELECT count(*) FROM upd""");

        // Retention, in slices so a big purge never holds many locks or a long transaction.
        purge = fill("""
                WITH doomed AS (
                  SELECT id FROM ${queue} WHERE status_id IN (3, 4, 5)
                  AND completed_at < now() - ? * interval '1 millisecond'
                  ORDER BY completed_at LIMIT ? FOR UPDATE SKIP LOCKED
                ) DELETE FROM ${queue} q USING doomed d WHERE q.id = d.id""");

        // worker rows silent for longer than the retention that own nothing (crashed or stopped long ago)
        purgeWorkers = fill("""
                DELETE FROM ${workers} w WHERE w.last_heartbeat < now() - ? * interval '1 millisecond'
                AND NOT EXISTS (SELECT 1 FROM ${queue} q WHERE q.status_id = 2 AND q.worker_id = w.worker_id)""");

        now = "SELECT now()";

        String progressTable = SqlIdentifiers.quote(schema) + ".job_progress";
        // the heartbeat's progress, kept only for jobs still PROCESSING under the reporting lease
        saveProgress = fill("""
                INSERT INTO ${progress} AS p (job_id, attempt, worker_id, step, fraction, updated_at)
                SELECT t.id, t.attempt, ?, t.step, t.fraction, now()
                FROM unnest(?::bigint[], ?::uuid[], ?::integer[], ?::text[], ?::float8[])
                  AS t(id, token, attempt, step, fraction)
                JOIN ${queue} q ON q.id = t.id AND q.status_id = 2 AND q.lease_token = t.token
                ORDER BY t.id
                ON CONFLICT (job_id) DO UPDATE SET attempt = EXCLUDED.attempt, worker_id = EXCLUDED.worker_id,
                  step = EXCLUDED.step, fraction = EXCLUDED.fraction, updated_at = now()""")
                .replace("${progress}", progressTable);
        findProgress = fill("""
                SELECT job_id, attempt, worker_id, step, fraction, updated_at FROM ${progress}
                WHERE job_id = ANY(?::bigint[])""").replace("${progress}", progressTable);
        // the events of the jobs purge would delete now (purge's predicate), oldest first
        eventsOfPurgeable = fill("""
                SELECT e.job_id, e.type, e.worker_id, e.message, e.created_at FROM ${events} e
                JOIN ${queue} q ON q.id = e.job_id
                WHERE q.status_id IN (3, 4, 5) AND q.completed_at < now() - ? * interval '1 millisecond'
                  AND e.type = ?
                ORDER BY e.id LIMIT ?""");
    }

    /** The PENDING state a retry gives back (attempts 0, due now, no owner, no lease). */
    private static final String TO_PENDING = """
            status_id = 1, attempts = 0, run_after = now(), completed_at = NULL, worker_id = NULL,
              lease_token = NULL, lease_expires_at = NULL, updated_at = now()""";

    /**
     * The statement with this schema's names in place of {@code ${queue}}, {@code ${workers}}, {@code ${events}},
     * {@code ${columns}} (the job columns of alias {@code q}) and {@code ${toPending}}; nothing else is put in.
     */
    private String fill(String template) {
        return template.replace("${sourceScan}", sourceScan == null ? "" : sourceScan)
                .replace("${sources}", sources).replace("${sourceEvents}", sourceEvents)
                .replace("${claimSeq}", schemaPrefix + "docket_claim_seq")
                .replace("${toPending}", TO_PENDING).replace("${queue}", queue)
                .replace("${workers}", workers).replace("${events}", events).replace("${columns}", columns);
    }

    /** The job columns with a table alias, in {@link JobRows#job} order. */
    public static String jobColumns(String alias) {
        StringBuilder b = new StringBuilder();
        for (String c : JOB_COLUMNS) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(c.contains("{a}") ? c.replace("{a}", alias) : alias + "." + c);
        }
        return b.toString();
    }
}
