package dev.docket.queue.spi;

import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import dev.docket.queue.JobProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One heartbeat: upserts the worker's row and renews every lease it holds, in one round trip.
 *
 * @param worker the worker's current figures ({@code lastHeartbeat} is ignored: the store sets it
 *               with its own clock)
 * @param leases the leases the worker holds now
 * @param lease  the new lease length: each held lease expires at store-now + lease
 * @param progress the latest progress of held jobs reported since the previous heartbeat (see
 *                 {@link dev.docket.queue.ExtractionContext#progress}); the store keeps each one whose job's lease
 *                 it renews in this heartbeat, replacing the job's earlier progress ({@code updatedAt} is ignored:
 *                 the store sets it with its own clock), and ignores the others
 */
public record WorkerHeartbeat(WorkerInfo worker, List<JobLease> leases, Duration lease, List<JobProgress> progress) {
    public WorkerHeartbeat {
        Objects.requireNonNull(worker, "worker");
        leases = List.copyOf(leases);
        Objects.requireNonNull(lease, "lease");
        progress = List.copyOf(progress);
    }

    /** A heartbeat that reports no progress. */
    public WorkerHeartbeat(WorkerInfo worker, List<JobLease> leases, Duration lease) {
        this(worker, leases, lease, List.of());
    }

    /** Convenience for tests: a RUNNING worker with no counters. */
    public static WorkerHeartbeat of(String workerId, List<JobLease> leases, Duration lease) {
        return new WorkerHeartbeat(new WorkerInfo(workerId, "localhost", ProcessHandle.current().pid(),
                WorkerState.RUNNING, Instant.EPOCH, null, 1, leases.size(), 0, 0, null), leases, lease);
    }
}
