package dev.docket.queue.internal;

import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.spi.ClaimResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The in-memory store's claim: the eligible sources in fairness order (claimed least recently first), each
 * allowed its {@link SourceTable#quota quota}, then one job of each per turn, round-robin, in priority order
 * within a source, until the limit. Not thread-safe: the store's lock guards the tables.
 */
public final class FairClaim {
    private FairClaim() {
    }

    /**
     * Claims up to {@code limit} jobs for {@code workerId}, each leased until {@code expires}; when fewer, with the
     * earliest {@link SourceTable#nextClaimableIn} of the sources that still have ready jobs.
     */
    public static ClaimResult claim(JobTable jobs, SourceTable sources, String workerId, int limit, Instant expires,
            Instant now) {
        List<Job> out = new ArrayList<>(Math.min(limit, 64));
        jobs.promoteDue(now);
        List<String> candidates = new ArrayList<>(jobs.readySources());
        if (candidates.size() > 1) {
            candidates.sort(Comparator.comparingLong(sources::claimOrder).thenComparing(Comparator.naturalOrder()));
        }
        int[] quota = new int[candidates.size()];
        int[] taken = new int[candidates.size()];
        for (int i = 0; i < quota.length; i++) {
            quota[i] = sources.quota(candidates.get(i), limit, now);
        }
        for (boolean progress = true; progress && out.size() < limit; ) {
            progress = false;
            for (int i = 0; i < quota.length && out.size() < limit; i++) {
                JobRow r = quota[i] > taken[i] ? jobs.nextReady(candidates.get(i), now) : null;
                if (r == null) {
                    quota[i] = 0;
                    continue;
                }
                jobs.update(r, now, x -> {
                    x.status = JobStatus.PROCESSING;
                    x.workerId = workerId;
                    x.processingStartedAt = now;
                    x.attempts++;
                    x.leaseToken = UUID.randomUUID();
                    x.leaseExpiresAt = expires;
                });
                out.add(r.toJob());
                taken[i]++;
                progress = true;
            }
        }
        for (int i = 0; i < taken.length; i++) {
            if (taken[i] > 0) {
                sources.claimed(candidates.get(i), taken[i], now, workerId);
            }
        }
        Duration hint = null;
        for (int i = 0; i < taken.length && out.size() < limit; i++) {
            String source = candidates.get(i);
            Duration d = jobs.nextReady(source, now) == null ? null : sources.nextClaimableIn(source, now);
            hint = d == null || (hint != null && hint.compareTo(d) <= 0) ? hint : d;
        }
        return new ClaimResult(out, Optional.ofNullable(hint));
    }
}
