package dev.docket.queue;

import java.time.Instant;
import java.util.Map;

/**
 * A worker as recorded by the store ({@code worker_status}).
 *
 * @param workerId       unique id (default {@code host-pid-random})
 * @param host           host name
 * @param pid            process id
 * @param state          last reported state
 * @param startedAt      when it registered
 * @param lastHeartbeat  last heartbeat, by the store's clock
 * @param concurrency    its configured slots
 * @param inFlight       jobs it held PROCESSING at its last heartbeat: running, being written, claimed ahead
 * @param jobsCompleted  jobs it completed since it started
 * @param jobsFailed     jobs it failed for good since it started
 * @param lastError      its last reported problem (extractor down, store errors), or null
 * @param extractorFigures the figures its extractor last reported ({@link ExtractorHealth#figures()}: memory per
 *                       browser and per slot, the memory limit, defunct processes...), empty when none
 */
public record WorkerInfo(
        String workerId,
        String host,
        long pid,
        WorkerState state,
        Instant startedAt,
        Instant lastHeartbeat,
        int concurrency,
        int inFlight,
        long jobsCompleted,
        long jobsFailed,
        String lastError,
        Map<String, Long> extractorFigures) {

    public WorkerInfo {
        extractorFigures = extractorFigures == null ? Map.of() : dev.docket.queue.internal.ExtractorFigures.clean(extractorFigures);
    }

    /** A row without extractor figures (the constructor of Docket versions before they existed). */
    public WorkerInfo(String workerId, String host, long pid, WorkerState state, Instant startedAt, Instant lastHeartbeat,
            int concurrency, int inFlight, long jobsCompleted, long jobsFailed, String lastError) {
        this(workerId, host, pid, state, startedAt, lastHeartbeat, concurrency, inFlight, jobsCompleted, jobsFailed,
                lastError, Map.of());
    }
}
