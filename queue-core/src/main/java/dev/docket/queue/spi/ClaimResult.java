package dev.docket.queue.spi;

import dev.docket.queue.Job;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link JobStore#claimWithHint} returns: the claimed jobs, and when to claim again.
 *
 * @param jobs            the claimed jobs, as {@link JobStore#claim} returns them
 * @param nextClaimableIn when the claim returned fewer jobs than asked for and a source's flow control (its rate
 *                        limit's next token, a throttling's block, a circuit's cool-down) holds back ready jobs that
 *                        will become claimable by time alone: how long after the claim, by the store's clock, the
 *                        earliest of them does (at least 1 ms). Empty: no such job (the next claim is due to a
 *                        notification, a finishing write or the poll interval).
 */
public record ClaimResult(List<Job> jobs, Optional<Duration> nextClaimableIn) {
    /** @throws IllegalArgumentException when {@code nextClaimableIn} is present and not positive */
    public ClaimResult {
        jobs = List.copyOf(jobs);
        Objects.requireNonNull(nextClaimableIn, "nextClaimableIn");
        if (nextClaimableIn.isPresent() && (nextClaimableIn.get().isNegative() || nextClaimableIn.get().isZero())) {
            throw new IllegalArgumentException("nextClaimableIn must be positive but was " + nextClaimableIn.get());
        }
    }

    /** Jobs without a hint. */
    public static ClaimResult of(List<Job> jobs) {
        return new ClaimResult(jobs, Optional.empty());
    }
}
