package dev.docket.queue.internal;

import dev.docket.queue.JobProgress;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.WorkerHeartbeat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The in-memory store's latest progress per job, as heartbeats carry it. Not thread-safe: the store's lock guards it. */
public final class ProgressTable {
    private final Map<Long, JobProgress> progress = new HashMap<>();

    /** Keeps the heartbeat's progress of the jobs whose lease it renewed (the others were lost). */
    public void keep(WorkerHeartbeat heartbeat, Set<Long> lost, Instant now) {
        Set<Long> renewed = new HashSet<>();
        for (JobLease l : heartbeat.leases()) {
            if (!lost.contains(l.jobId())) {
                renewed.add(l.jobId());
            }
        }
        for (JobProgress p : heartbeat.progress()) {
            if (renewed.contains(p.jobId())) {
                progress.put(p.jobId(), new JobProgress(p.jobId(), p.attempt(), p.workerId(), p.step(), p.fraction(), now));
            }
        }
    }

    /** The latest progress of those of {@code jobIds} that reported some. */
    public List<JobProgress> of(Collection<Long> jobIds) {
        List<JobProgress> out = new ArrayList<>();
        for (Long id : jobIds) {
            JobProgress p = id == null ? null : progress.get(id);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** Forgets a purged job's progress. */
    public void remove(long jobId) {
        progress.remove(jobId);
    }
}
