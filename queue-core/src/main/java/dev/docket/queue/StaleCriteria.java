package dev.docket.queue;

import java.time.Duration;

/**
 * The part of a {@link StaleJobPolicy} a store evaluates in one query. A PROCESSING job is stale when
 * any enabled criterion holds:
 *
 * @param leaseExpired          its lease ran out (by the store's clock) without being renewed
 * @param ownerSilentFor        its owner's last heartbeat is older than this, or the owner is
 *                              STOPPED or has no worker row; null disables
 * @param processingLongerThan  it has been processing longer than this (the old system's rule);
 *                              null disables
 */
public record StaleCriteria(boolean leaseExpired, Duration ownerSilentFor, Duration processingLongerThan) {
    public StaleCriteria {
        if (!leaseExpired && ownerSilentFor == null && processingLongerThan == null) {
            throw new IllegalArgumentException("StaleCriteria needs at least one criterion");
        }
        requirePositive("ownerSilentFor", ownerSilentFor);
        requirePositive("processingLongerThan", processingLongerThan);
    }

    private static void requirePositive(String name, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + d);
        }
    }
}
