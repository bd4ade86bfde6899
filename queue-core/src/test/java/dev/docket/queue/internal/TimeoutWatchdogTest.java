package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Job;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TimeoutWatchdog#checkOnce()}: overdue by the clock or by the ticker, decided once. */
class TimeoutWatchdogTest {
    @TempDir
    Path dir;
    final UnitsFixture fx = new UnitsFixture();

    /** A job claimed and held (as if its extraction were running), with its cancel seen by the test. */
    InFlight running(WorkerUnits u) {
        fx.memory.enqueue(NewJob.of("s", "slow"));
        Job job = fx.memory.claim("u1", 1, UnitsFixture.LEASE).get(0);
        InFlight f = new InFlight(job, u.slots.take(), fx.clock, fx.ticker, UnitsFixture.JOB_TIMEOUT);
        u.slots.hold(f);
        return f;
    }

    @Test
    void aJobIsTimedOutWhenTheClockPassesItsDeadline() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = running(u);
        assertThat(u.watchdog.checkOnce()).isEmpty();
        fx.clock.advance(UnitsFixture.JOB_TIMEOUT.plusSeconds(1));
        assertThat(u.watchdog.checkOnce()).containsExactly(f.job().id());
        assertThat(f.isCancelled()).isTrue();
        assertThat(u.extractor.abandonedExtractions()).isEqualTo(1); // its extract() has not returned
        fx.runWrites();
        Job after = fx.memory.find(f.job().id()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.PENDING);
        assertThat(after.lastError()).contains("timed out after 5m");
        assertThat(fx.memory.events(f.job().id())).extracting(e -> e.type()).contains(JobEventType.TIMED_OUT);
        assertThat(u.slots.free()).isEqualTo(2);
        assertThat(u.watchdog.checkOnce()).isEmpty(); // decided once
    }

    @Test
    void aJobIsTimedOutWhenTheTickerSaysTheTimeoutElapsedEvenIfTheClockStandsStill() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = running(u);
        fx.ticker.advance(UnitsFixture.JOB_TIMEOUT);
        assertThat(u.watchdog.checkOnce()).isEmpty(); // not past it yet
        fx.ticker.advance(Duration.ofNanos(1));
        assertThat(u.watchdog.checkOnce()).containsExactly(f.job().id());
    }

    @Test
    void theRetryPolicyDecidesTheDelayOfATimedOutJob() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), new dev.docket.queue.FileSystemDocumentSink(dir),
                UnitsFixture.config().build(), (job, failure) -> failure instanceof java.util.concurrent.TimeoutException
                        ? RetryPolicy.Decision.retryAfter(Duration.ofMinutes(42)) : RetryPolicy.Decision.fail());
        InFlight f = running(u);
        fx.clock.advance(UnitsFixture.JOB_TIMEOUT.plusSeconds(1));
        u.watchdog.checkOnce();
        fx.runWrites();
        Job after = fx.memory.find(f.job().id()).orElseThrow();
        assertThat(after.runAfter()).isEqualTo(fx.clock.instant().plus(Duration.ofMinutes(42)));
    }

    @Test
    void theTickIsATwentiethOfTheTimeoutBetween10msAnd1s() {
        assertThat(TimeoutWatchdog.tick(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(1));
        assertThat(TimeoutWatchdog.tick(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(100));
        assertThat(TimeoutWatchdog.tick(Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(10));
    }
}
