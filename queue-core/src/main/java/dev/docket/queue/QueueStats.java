package dev.docket.queue;

import java.time.Instant;
import java.util.Map;

/**
 * Queue figures for diagnostics, by the store's clock.
 *
 * @param countsByStatus      number of jobs per status (every status present, zero when none)
 * @param oldestPendingAt     created_at of the oldest claimable PENDING job, or null
 * @param completedLast5m     jobs completed in the last 5 minutes
 * @param failedLast5m        jobs failed in the last 5 minutes
 * @param completedLast60m    jobs completed in the last 60 minutes
 * @param failedLast60m       jobs failed in the last 60 minutes
 * @param now                 the store's clock when the figures were taken
 */
public record QueueStats(
        Map<JobStatus, Long> countsByStatus,
        Instant oldestPendingAt,
        long completedLast5m,
        long failedLast5m,
        long completedLast60m,
        long failedLast60m,
        Instant now) {

    public QueueStats {
        countsByStatus = Map.copyOf(countsByStatus);
    }

    public long count(JobStatus status) {
        return countsByStatus.getOrDefault(status, 0L);
    }

    /** failed / (completed + failed) over the last 60 minutes, 0 when nothing finished. */
    public double errorRateLast60m() {
        long total = completedLast60m + failedLast60m;
        return total == 0 ? 0.0 : (double) failedLast60m / total;
    }
}
