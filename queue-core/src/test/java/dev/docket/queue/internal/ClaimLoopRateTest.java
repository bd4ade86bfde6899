package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.NewJob;
import dev.docket.queue.SourcePolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rate-limited source must be claimed at its rate, not at its burst per poll interval. Found by
 * SourceBenchmark: 20/s burst 5 gave 5.9 claims/s with the default pollInterval (1 s), because a claim cut
 * short by the rate limit makes the claim loop wait the whole pollInterval although the next token is due in
 * 50 ms (and no notification comes for it).
 */
class ClaimLoopRateTest {
    @TempDir
    Path dir;
    final UnitsFixture fx = new UnitsFixture();

    @Test
    void aClaimCutShortByTheRateLimitPollsAgainWhenTheNextTokenIsDue() {
        fx.memory.setSourcePolicy("s", SourcePolicy.builder().rate(SourcePolicy.Rate.perSecond(20)).build(), "ops");
        for (int i = 0; i < 10; i++) {
            fx.memory.enqueue(NewJob.of("s", "n" + i));
        }
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), dir);
        u.claimLoop.runOnce(); // starts the extractor
        ClaimLoop.Pass pass = u.claimLoop.runOnce();
        assertThat(pass.claimed()).hasSize(1); // burst 1
        assertThat(pass.pause()).as("the next token is due in 50 ms").isLessThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void aClaimCutShortByACapWaitsThePollInterval() {
        fx.memory.setSourcePolicy("s", SourcePolicy.builder().concurrency(1).build(), "ops");
        for (int i = 0; i < 3; i++) {
            fx.memory.enqueue(NewJob.of("s", "n" + i));
        }
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), dir);
        u.claimLoop.runOnce(); // starts the extractor
        ClaimLoop.Pass pass = u.claimLoop.runOnce();
        assertThat(pass.claimed()).hasSize(1);
        assertThat(pass.pause()).as("a finishing write frees the slot and wakes the loop").isEqualTo(Duration.ofSeconds(1));
    }
}
