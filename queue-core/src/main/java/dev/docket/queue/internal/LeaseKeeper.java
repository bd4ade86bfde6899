package dev.docket.queue.internal;

import dev.docket.queue.JobProgress;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the worker row and every lease this runtime holds (running jobs, prefetched jobs waiting for a slot, and
 * outcomes waiting for the store),
 * one {@link JobStore#heartbeat} per {@link #beatOnce()} (carrying the progress the running jobs reported since the
 * previous beat, so progress costs no write of its own), and aborts the running jobs whose lease the store
 * says is lost. Each beat first runs the timeout watchdog. Thread-safe.
 */
public final class LeaseKeeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final WorkerContext ctx;
    private final Slots slots;
    private final JobCompleter completer;
    private final TimeoutWatchdog watchdog;
    private final Supplier<WorkerInfo> info;

    /** @param info the worker row to write (state, counts, problem) */
    public LeaseKeeper(WorkerContext ctx, Slots slots, JobCompleter completer, TimeoutWatchdog watchdog,
            Supplier<WorkerInfo> info) {
        this.ctx = ctx;
        this.slots = slots;
        this.completer = completer;
        this.watchdog = watchdog;
        this.info = info;
    }

    /** One heartbeat: times out overdue jobs, renews the worker row and every held lease, aborts jobs whose lease was lost. */
    public void beatOnce() {
        watchdog.checkOnce();
        List<JobLease> held = new ArrayList<>();
        List<JobProgress> progress = new ArrayList<>();
        List<InFlight> reporting = new ArrayList<>();
        for (InFlight f : slots.inFlight()) {
            held.add(f.lease());
            JobProgress p = f.takeUnsentProgress();
            if (p != null) {
                progress.add(p);
                reporting.add(f);
            }
        }
        held.addAll(completer.pendingLeases());
        held.addAll(slots.readyLeases()); // prefetched jobs waiting for a slot count against their lease too
        Map<Long, JobLease> sent = new HashMap<>();
        for (JobLease l : held) {
            sent.put(l.jobId(), l);
        }
        Set<Long> lost;
        try {
            lost = ctx.store().heartbeat(new WorkerHeartbeat(info.get(), held, ctx.config().lease(), progress));
            ctx.storeHealth().succeeded();
        } catch (RuntimeException e) {
            for (int i = 0; i < reporting.size(); i++) {
                reporting.get(i).unsent(progress.get(i)); // sent with the next heartbeat
            }
            ctx.storeHealth().failed("heartbeat", e);
            return;
        }
        for (Long id : lost) {
            if (stillRunning(id, sent.get(id))) {
                completer.leaseLost(id, "lease could not be renewed: the job was reset or re-claimed", true);
            } else if (slots.dropReady(id, sent.get(id))) {
                // prefetched, never started: it is not run
                completer.leaseLost(id, "lease could not be renewed while the job waited for a slot: the job was "
                        + "reset or re-claimed", false);
            } else {
                // its outcome was decided (finished, being written, or waiting for the store) while the renewal was
                // on its way: only that finishing write can tell whether the lease was lost, and it reports it
                log.debug("job {}: decided while its lease was being renewed; its finishing write tells the rest", id);
            }
        }
    }

    /** {@link #beatOnce()} for schedulers and announcements: logs a failure instead of throwing it. */
    public void beatQuietly() {
        try {
            beatOnce();
        } catch (RuntimeException e) {
            log.warn("worker {}: heartbeat failed", ctx.workerId(), e);
        }
    }

    /** True while this runtime still runs the claim {@code lease} of job {@code id}, its outcome undecided. */
    private boolean stillRunning(long id, JobLease lease) {
        InFlight f = slots.get(id);
        return f != null && f.lease().equals(lease) && !f.isDecided();
    }
}
