package dev.docket.queue.internal;

import dev.docket.queue.StaleCriteria;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The words of a {@link dev.docket.queue.StaleJob#reason()}, the same from every store: each store
 * measures the {@link Facts} of a PROCESSING job (by its own clock) and this class says which criteria they
 * meet and how: {@code "lease expired 12s ago (worker w-1)"}, {@code "worker w-1 is STOPPED"},
 * {@code "worker w-1 silent for 3m > 1m"}, {@code "worker w-1 has no worker row"},
 * {@code "processing for 6m > 5m (worker w-1)"}; several joined by {@code "; "} in that order.
 */
public final class StaleReasons {
    private StaleReasons() {
    }

    /**
     * What a store measured about one PROCESSING job (durations are as of the store's now).
     *
     * @param workerId      its owner, or null
     * @param hasLease      whether it has a lease expiry at all (a hand-set row may not)
     * @param leaseExpired  its lease ran out (or it has none)
     * @param expiredFor    since when it ran out (zero when not expired or no lease)
     * @param ownerMissing  no worker row for its owner (or no owner)
     * @param ownerStopped  its owner's row is STOPPED
     * @param ownerSilent   its owner's last heartbeat is older than the criteria's silence limit
     * @param silentFor     how long its owner has been silent (zero when missing)
     * @param tooLong       it has been processing longer than the criteria's limit (or since an unknown time)
     * @param processingFor how long it has been processing, or null when its start is unknown
     */
    public record Facts(String workerId, boolean hasLease, boolean leaseExpired, Duration expiredFor,
                        boolean ownerMissing, boolean ownerStopped, boolean ownerSilent, Duration silentFor,
                        boolean tooLong, Duration processingFor) {
    }

    /** The reason the facts make the job stale under the criteria, or null when they do not. */
    public static String reason(StaleCriteria c, Facts f) {
        String worker = f.workerId() == null ? "no worker" : "worker " + f.workerId();
        List<String> parts = new ArrayList<>(2);
        if (c.leaseExpired() && f.leaseExpired()) {
            parts.add(!f.hasLease() ? "PROCESSING with no lease (" + worker + ")"
                    : "lease expired " + Durations.format(f.expiredFor()) + " ago (" + worker + ")");
        }
        if ((c.leaseExpired() || c.ownerSilentFor() != null) && f.ownerStopped()) {
            parts.add(worker + " is STOPPED");
        }
        if (c.ownerSilentFor() != null && !f.ownerStopped()) {
            if (f.ownerMissing()) {
                parts.add(f.workerId() == null ? "no worker owns it" : worker + " has no worker row");
            } else if (f.ownerSilent()) {
                parts.add(worker + " silent for " + Durations.format(f.silentFor()) + " > "
                        + Durations.format(c.ownerSilentFor()));
            }
        }
        if (c.processingLongerThan() != null && f.tooLong()) {
            parts.add(f.processingFor() == null ? "processing since an unknown time (" + worker + ")"
                    : "processing for " + Durations.format(f.processingFor()) + " > "
                    + Durations.format(c.processingLongerThan()) + " (" + worker + ")");
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /** As {@link #reason}, for a job a store's query already found stale: never null. */
    public static String describe(StaleCriteria c, Facts f) {
        String reason = reason(c, f);
        return reason != null ? reason : "stale (" + (f.workerId() == null ? "no worker" : "worker " + f.workerId())
                + ")";
    }
}
