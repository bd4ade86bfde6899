package dev.docket.benchmarks.soak;

import dev.docket.queue.Document;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Extractor;
import dev.docket.queue.Job;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import javax.sql.DataSource;

/**
 * The soak test's extractor: does what {@link Behaviour#of} says for each (job, attempt). When it
 * produces a document it first records the side effect in the ledger, keyed by (job id, lease token):
 * the document's content names the job, attempt and lease token, so its SHA-256 identifies the claim
 * that produced it. Thread-safe.
 */
public final class ChaosExtractor implements Extractor {
    private final DataSource ledger;
    private final String ledgerTable;
    private final long seed;
    private final Duration jobTimeout;
    private final String workerId;

    /**
     * @param ledger      where the ledger lives (the worker's own pool, through the proxy)
     * @param quotedSchema the run's schema, double-quoted
     */
    public ChaosExtractor(DataSource ledger, String quotedSchema, long seed, Duration jobTimeout, String workerId) {
        this.ledger = ledger;
        this.ledgerTable = quotedSchema + ".soak_ledger";
        this.seed = seed;
        this.jobTimeout = jobTimeout;
        this.workerId = workerId;
    }

    @Override
    public Document extract(Job job, ExtractionContext context) throws Exception {
        int attempt = context.attempt();
        Behaviour b = Behaviour.of(job.id(), attempt, seed);
        double jitter = Behaviour.jitter(job.id(), attempt, seed);
        long timeoutMs = jobTimeout.toMillis();
        switch (b) {
            case SUCCEED_FAST:
                Thread.sleep((long) (jitter * 5));
                return produce(job, attempt);
            case SUCCEED_SLOW:
                Thread.sleep(150 + (long) (jitter * timeoutMs * 0.3));
                return produce(job, attempt);
            case FAIL_TRANSIENT:
                Thread.sleep((long) (jitter * 20));
                throw new IllegalStateException("soak: transient failure of job " + job.id() + " attempt " + attempt);
            case FAIL_PERMANENT:
                throw ExtractionException.permanent("soak: permanent failure of job " + job.id() + " attempt " + attempt);
            case HANG:
                Thread.sleep(timeoutMs * 15); // the runtime interrupts it at the job timeout
                throw new IllegalStateException("soak: hang of job " + job.id() + " was not interrupted");
            case HANG_IGNORING_INTERRUPT:
                spinIgnoringInterrupts(timeoutMs * 5 / 2);
                throw new IllegalStateException("soak: stubborn hang of job " + job.id() + " ended");
            case HALT:
                System.out.println("HALT job " + job.id() + " attempt " + attempt + " worker " + workerId);
                System.out.flush();
                Runtime.getRuntime().halt(Behaviour.HALT_EXIT_CODE);
                throw new IllegalStateException("unreachable");
            default:
                throw new IllegalStateException("unknown behaviour " + b);
        }
    }

    /** Keeps the thread busy for {@code ms}, ignoring interrupts (the behaviour under test); restores the flag. */
    private static void spinIgnoringInterrupts(long ms) {
        long end = System.nanoTime() + ms * 1_000_000;
        boolean interrupted = false;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                interrupted = true; // deliberately ignored: this behaviour simulates code that ignores interrupts
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Document produce(Job job, int attempt) throws SQLException {
        byte[] content = content(job, attempt);
        String sha = sha256(content);
        try (Connection c = ledger.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + ledgerTable
                        + " (job_id, lease_token, attempt, worker_id, content_sha256) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (job_id, lease_token) DO UPDATE SET duplicates = " + ledgerTable
                        + ".duplicates + 1")) {
            ps.setLong(1, job.id());
            ps.setObject(2, job.leaseToken());
            ps.setInt(3, attempt);
            ps.setString(4, workerId);
            ps.setString(5, sha);
            ps.executeUpdate();
        }
        return Document.of(content, "text/plain");
    }

    /** The document of one claim: names the job, the attempt and the lease token. */
    static byte[] content(Job job, int attempt) {
        return ("soak document of job " + job.id() + " attempt " + attempt + " lease " + job.leaseToken())
                .getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
