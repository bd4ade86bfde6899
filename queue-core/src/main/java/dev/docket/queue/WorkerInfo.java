package dev.docket.queue;

import java.time.Instant;

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
 * @param inFlight       jobs it held at its last heartbeat
 * @param jobsCompleted  jobs it completed since it started
 * @param jobsFailed     jobs it failed for good since it started
 * @param lastError      its last reported problem (extractor down, store errors), or null
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
        String lastError) {
}
