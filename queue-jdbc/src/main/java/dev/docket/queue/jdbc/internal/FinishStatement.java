package dev.docket.queue.jdbc.internal;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.StoreException;
import dev.docket.queue.internal.StoredText;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FinishBatcher.Writer} of {@code PostgresJobStore}: applies one batch of finishing writes in one
 * statement ({@link JobSql#finishBatch}, each row fenced on its own lease token), in one transaction of the
 * store's {@link Jdbc} runner (so with its statement and lock timeouts), and explains lost leases. Texts are
 * stored cleaned ({@link StoredText}). Thread-safe (stateless beyond its runner and SQL); called by the
 * batcher's one thread.
 */
public final class FinishStatement implements FinishBatcher.Writer {
    private static final Logger log = LoggerFactory.getLogger(FinishStatement.class);

    private final Jdbc jdbc;
    private final JobSql sql;
    private final PostgresSources sources;

    public FinishStatement(Jdbc jdbc, JobSql sql) {
        this.jdbc = jdbc;
        this.sql = sql;
        this.sources = new PostgresSources(sql);
    }

    @Override
    public Map<Long, Job> write(List<FinishBatcher.Request> batch) {
        boolean rules = batch.stream().anyMatch(r -> PostgresSources.needsRules(r.outcome()));
        String what = batch.size() == 1 ? "finish job " + batch.get(0).lease().jobId()
                : "finish a batch of " + batch.size() + " jobs";
        if (!rules) {
            return jdbc.inStatement(what, c -> write(c, batch, Map.of()));
        }
        // transient failures and throttlings tell their sources: the rules run under the source rows' locks, in the
        // finishing write's transaction
        return jdbc.inTransaction(what, c -> {
            List<FinishBatcher.Request> told = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (PostgresSources.needsRules(batch.get(i).outcome())) {
                    told.add(batch.get(i));
                    at.add(i);
                }
            }
            Map<Integer, JobOutcome> replaced = new HashMap<>();
            sources.beforeFinish(c, told.stream().map(FinishBatcher.Request::lease).toList(),
                    told.stream().map(FinishBatcher.Request::outcome).toList())
                    .forEach((k, v) -> replaced.put(at.get(k), v));
            return write(c, batch, replaced);
        });
    }

    /** The finish statement for {@code batch}, with the outcomes at the indexes of {@code replaced} replaced. */
    private Map<Long, Job> write(java.sql.Connection c, List<FinishBatcher.Request> batch,
            Map<Integer, JobOutcome> replaced) throws java.sql.SQLException {
        int n = batch.size();
        Long[] ids = new Long[n];
        UUID[] tokens = new UUID[n];
        Integer[] statuses = new Integer[n];
        String[] results = new String[n];
        String[] errors = new String[n];
        Long[] delays = new Long[n];
        Integer[] attemptDeltas = new Integer[n];
        String[] eventTypes = new String[n];
        String[] messages = new String[n];
        String[] actors = new String[n];
        Integer[] effects = new Integer[n];
        for (int i = 0; i < n; i++) {
            JobLease lease = batch.get(i).lease();
            JobOutcome given = batch.get(i).outcome();
            JobOutcome o = replaced.getOrDefault(i, given);
            // what the finish statement tells the source: 1 a completion, 2 already told by the rules, 0 neither
            effects[i] = o.kind() == JobOutcome.Kind.COMPLETED ? 1 : PostgresSources.needsRules(given) ? 2 : 0;
            ids[i] = lease.jobId();
            tokens[i] = lease.token();
            statuses[i] = o.targetStatus().code();
            // the store checked every given result when the write was handed over (PostgresJobStore.checkFinish)
            results[i] = o.kind() != JobOutcome.Kind.COMPLETED ? null
                    : o == given ? StoredText.acceptedResult(o.result()) : StoredText.result(lease.jobId(), o.result());
            errors[i] = StoredText.clean(o.error());
            delays[i] = o.kind() == JobOutcome.Kind.RETRY ? o.delay().toMillis() : 0L;
            attemptDeltas[i] = o.kind() == JobOutcome.Kind.RELEASED || o.kind() == JobOutcome.Kind.THROTTLED ? -1 : 0;
            eventTypes[i] = o.event() == null ? null : o.event().name();
            messages[i] = StoredText.clean(eventMessage(o));
            actors[i] = StoredText.clean(lease.workerId());
        }
        Map<Long, Job> written = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.finishBatch)) {
            ArrayParams.bind(c, ps, 1, ids, tokens, statuses, results, errors, delays, attemptDeltas, eventTypes,
                    messages, actors, effects);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Job job = JobRows.job(rs, 2);
                    written.put(job.id(), job);
                }
            }
        }
        return written;
    }

    @Override
    public Map<Long, String> explainLost(List<FinishBatcher.Request> lost) {
        Map<Long, String> why = new HashMap<>();
        Long[] ids = lost.stream().map(r -> r.lease().jobId()).toArray(Long[]::new);
        try {
            jdbc.inTransaction("explain lost leases", c -> {
                try (PreparedStatement ps = c.prepareStatement(sql.explainLost)) {
                    ps.setArray(1, c.createArrayOf("int8", ids));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            JobStatus status = JobStatus.fromCode(rs.getInt(2));
                            String owner = rs.getString(3);
                            why.put(rs.getLong(1), status == JobStatus.PROCESSING
                                    ? "the job is PROCESSING under another lease (worker " + owner + ")"
                                    : "the job is " + status + " now");
                        }
                    }
                }
                return null;
            });
            for (Long id : ids) {
                why.putIfAbsent(id, "the job no longer exists");
            }
        } catch (StoreException e) {
            log.debug("could not explain {} lost lease(s): {}", ids.length, e.getMessage());
        }
        return why;
    }

    /** The event's message: the error of an outcome that records an event. */
    private static String eventMessage(JobOutcome o) {
        return o.event() == null ? null : o.error();
    }
}
