package dev.docket.queue.jdbc.internal;

import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobStatus;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Maps result rows to Docket's value types. Stateless and thread-safe. */
public final class JobRows {
    private JobRows() {
    }

    /**
     * Reads the {@link JobSql#jobColumns(String)} columns starting at column {@code first}. A payload
     * or result that {@link #unreadable} reports is read as null.
     */
    public static Job job(ResultSet rs, int first) throws SQLException {
        int c = first;
        long id = rs.getLong(c++);
        String source = rs.getString(c++);
        String number = rs.getString(c++);
        return Job.builder(id, source, number)
                .payload(readable(rs.getString(c++), JobSql.PAYLOAD_READ_LIMIT))
                .status(JobStatus.fromCode(rs.getInt(c++)))
                .priority(rs.getInt(c++))
                .attempts(rs.getInt(c++))
                .maxAttempts(rs.getInt(c++))
                .runAfter(instant(rs, c++))
                .workerId(rs.getString(c++))
                .leaseToken(rs.getObject(c++, UUID.class))
                .leaseExpiresAt(instant(rs, c++))
                .processingStartedAt(instant(rs, c++))
                .resetCount(rs.getInt(c++))
                .lastError(rs.getString(c++))
                .result(readable(rs.getString(c++), JobSql.RESULT_READ_LIMIT))
                .idempotencyKey(rs.getString(c++))
                .createdAt(instant(rs, c++))
                .updatedAt(instant(rs, c++))
                .completedAt(instant(rs, c))
                .build();
    }

    private static String readable(String text, int limit) {
        return text == null || text.length() <= limit ? text : null;
    }

    /**
     * Why the payload or result of the job row at {@code first} cannot be read back (it prints as
     * more than its read limit, e.g. numbers like {@code 1e131071} stored by plain SQL), or null when
     * both are fine.
     */
    public static String unreadable(ResultSet rs, int first) throws SQLException {
        String payload = rs.getString(first + 3);
        String result = rs.getString(first + 15);
        boolean payloadWithheld = rs.getBoolean(first + JobSql.JOB_COLUMN_COUNT - 2);
        boolean resultWithheld = rs.getBoolean(first + JobSql.JOB_COLUMN_COUNT - 1);
        if (payloadWithheld || (payload != null && payload.length() > JobSql.PAYLOAD_READ_LIMIT)) {
            return "its payload cannot be read: PostgreSQL prints it as more than " + JobSql.PAYLOAD_READ_LIMIT
                    + " characters (numbers such as 1e100000 print in full); it was stored without Docket's"
                    + " validation (plain SQL or an older version): fix or delete the row";
        }
        if (resultWithheld || (result != null && result.length() > JobSql.RESULT_READ_LIMIT)) {
            return "its result cannot be read: PostgreSQL prints it as more than " + JobSql.RESULT_READ_LIMIT
                    + " characters";
        }
        return null;
    }

    /** Reads {@code job_id, type, worker_id, message, created_at}. */
    public static JobEvent event(ResultSet rs) throws SQLException {
        return new JobEvent(rs.getLong(1), JobEventType.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4),
                instant(rs, 5));
    }

    /**
     * Reads {@code worker_id, host, pid, status, started_at, last_heartbeat, concurrency, in_flight,
     * jobs_completed, jobs_failed, last_error, extractor_figures}.
     */
    public static WorkerInfo worker(ResultSet rs) throws SQLException {
        return new WorkerInfo(rs.getString(1), rs.getString(2), rs.getLong(3), WorkerState.valueOf(rs.getString(4)),
                instant(rs, 5), instant(rs, 6), rs.getInt(7), rs.getInt(8), rs.getLong(9), rs.getLong(10), rs.getString(11),
                dev.docket.queue.internal.ExtractorFigures.decode(rs.getString(12)));
    }

    /**
     * A timestamptz column as an instant, or null. Read as a {@link Timestamp} (an instant: epoch
     * milliseconds plus nanoseconds, whatever the JVM's time zone): about 3x cheaper than
     * {@code getObject(column, OffsetDateTime.class)}, and every claim and finish reads six per job.
     */
    public static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** An instant as a bindable timestamptz value, or null. */
    public static OffsetDateTime timestamptz(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
    }
}
