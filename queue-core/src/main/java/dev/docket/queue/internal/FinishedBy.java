package dev.docket.queue.internal;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.StoredDocument;
import java.util.Objects;

/**
 * Tells whether a job, read back after its finishing write was rejected as "lease lost", already shows that
 * write's outcome: the case of a write that committed although its caller saw an error (the connection broke
 * before the answer), then was tried again. Reading the job back is the only way to tell that write apart from
 * a real lease loss, since a finished job keeps no lease token.
 */
public final class FinishedBy {
    private FinishedBy() {
    }

    /**
     * True when {@code now} shows {@code outcome} written by the claim {@code claimed}: no claim came after it
     * (same {@code processingStartedAt}), and the status and what the outcome writes match — for a completion,
     * the result names this attempt's own document, which no other attempt can have written.
     */
    public static boolean attempt(Job now, Job claimed, JobOutcome outcome, StoredDocument stored) {
        if (now.status() == JobStatus.PROCESSING
                || !Objects.equals(now.processingStartedAt(), claimed.processingStartedAt())) {
            return false;
        }
        switch (outcome.kind()) {
            case COMPLETED:
                return now.status() == JobStatus.COMPLETED && stored != null
                        && StoredDocuments.referencedBy(now, stored.uri());
            case FAILED:
                return now.status() == JobStatus.FAILED && Objects.equals(claimed.workerId(), now.workerId())
                        && sameError(now, outcome);
            case RETRY:
                return now.status() == JobStatus.PENDING && now.attempts() == claimed.attempts() && sameError(now, outcome);
            case RELEASED:
                return now.status() == JobStatus.PENDING && now.attempts() == Math.max(0, claimed.attempts() - 1)
                        && sameError(now, outcome);
            default:
                return false;
        }
    }

    private static boolean sameError(Job now, JobOutcome outcome) {
        String recorded = now.lastError();
        String ours = outcome.error();
        if (recorded == null || ours == null || recorded.isEmpty()) {
            return false;
        }
        // a store may shorten or clean the text it records: compare what both kept
        int n = Math.min(Math.min(recorded.length(), ours.length()), 200);
        return n > 0 && recorded.regionMatches(0, ours, 0, n);
    }
}
