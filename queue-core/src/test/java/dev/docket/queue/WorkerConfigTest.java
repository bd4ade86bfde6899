package dev.docket.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.testing.Await;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@SuppressWarnings("removal") // sessionTimeout, deprecated: kept asserted until it is removed
class WorkerConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        WorkerConfig c = WorkerConfig.defaults();
        assertThat(c.concurrency()).isEqualTo(20);
        assertThat(c.jobTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofMinutes(4));
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.staleCheckInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.workerId()).matches(".+-\\d+-[0-9a-f]{4}");
    }

    @Test
    void readsTheOldSystemsEnvironmentVariablesInMilliseconds() {
        WorkerConfig c = WorkerConfig.fromEnvironment(Map.of(
                "WORKER_CONCURRENCY", "8",
                "EXTRACTION_TIMEOUT", "600000",
                "SESSION_TIMEOUT", "240000",
                "DOCKET_LEASE", "20000",
                "DOCKET_WORKER_ID", "worker-7"));
        assertThat(c.concurrency()).isEqualTo(8);
        assertThat(c.jobTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofMinutes(4));
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.workerId()).isEqualTo("worker-7");
    }

    @Test
    void unsetOrBlankVariablesKeepDefaults() {
        WorkerConfig c = WorkerConfig.fromEnvironment(Map.of("WORKER_CONCURRENCY", " "));
        assertThat(c.concurrency()).isEqualTo(WorkerConfig.DEFAULT_CONCURRENCY);
    }

    @Test
    void badEnvironmentValuesNameTheVariableAndTheValue() {
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("WORKER_CONCURRENCY", "twenty")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WORKER_CONCURRENCY").hasMessageContaining("twenty");
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("WORKER_CONCURRENCY", "0")))
                .hasMessageContaining("WORKER_CONCURRENCY=0").hasMessageContaining("concurrency must be 1-1000");
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("EXTRACTION_TIMEOUT", "5m")))
                .hasMessageContaining("EXTRACTION_TIMEOUT").hasMessageContaining("milliseconds").hasMessageContaining("5m");
        // SESSION_TIMEOUT=-1 is rejected, naming the variable, by PlaywrightConfig.fromEnvironment, its one reader
        // (PlaywrightConfigTest.aBadEnvironmentValueNamesTheVariable)
    }

    @Test
    @SuppressWarnings("removal")
    void sessionTimeoutIsNotReadHereButByTheExtractorsConfig() {
        WorkerConfig c = WorkerConfig.fromEnvironment(Map.of("SESSION_TIMEOUT", "-1"));
        assertThat(c.sessionTimeout()).as("deprecated, not read from the environment").isEqualTo(WorkerConfig.DEFAULT_SESSION_TIMEOUT);
    }

    @Test
    void builderRejectsBadValuesNamingTheField() {
        assertThatThrownBy(() -> WorkerConfig.builder().concurrency(0)).hasMessage("concurrency must be 1-1000 but was 0");
        assertThatThrownBy(() -> WorkerConfig.builder().jobTimeout(Duration.ZERO)).hasMessageContaining("jobTimeout must be > 0");
        assertThatThrownBy(() -> WorkerConfig.builder().lease(null)).hasMessageContaining("lease must be > 0 but was null");
        assertThatThrownBy(() -> WorkerConfig.builder().workerId("a b")).hasMessageContaining("workerId").hasMessageContaining("'a b'");
        assertThatThrownBy(() -> WorkerConfig.builder().claimBatchSize(0)).hasMessageContaining("claimBatchSize");
        assertThatThrownBy(() -> WorkerConfig.builder().prefetch(-1)).hasMessage("prefetch must be 0-1000 but was -1");
        assertThatThrownBy(() -> WorkerConfig.builder().prefetch(1001)).hasMessage("prefetch must be 0-1000 but was 1001");
        assertThatThrownBy(() -> WorkerConfig.builder().shutdownGracePeriod(Duration.ofSeconds(-1)))
                .hasMessageContaining("shutdownGracePeriod must be >= 0");
    }

    @Test
    void prefetchIsReadFromDocketPrefetch() {
        assertThat(WorkerConfig.defaults().prefetchAuto()).isTrue();
        // auto holds at most one whole claim (100 by default), or one job per slot when there are more slots
        assertThat(WorkerConfig.defaults().prefetch()).isEqualTo(WorkerConfig.DEFAULT_CLAIM_BATCH_SIZE).isEqualTo(100);
        assertThat(WorkerConfig.builder().concurrency(300).build().prefetch()).isEqualTo(300);
        assertThat(WorkerConfig.builder().concurrency(4).claimBatchSize(10).build().prefetch()).isEqualTo(10);
        assertThat(WorkerConfig.fromEnvironment(Map.of("DOCKET_PREFETCH", "20")).prefetch()).isEqualTo(20);
        assertThat(WorkerConfig.builder().prefetch(7).build().toBuilder().build().prefetch()).isEqualTo(7);
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("DOCKET_PREFETCH", "-3")))
                .hasMessageContaining("prefetch must be 0-1000 but was -3");
    }

    @Test
    void heartbeatMustBeShorterThanTheLease() {
        assertThatThrownBy(() -> WorkerConfig.builder().lease(Duration.ofSeconds(10)).heartbeatInterval(Duration.ofSeconds(10)).build())
                .hasMessageContaining("heartbeatInterval (PT10S) must be shorter than lease (PT10S)");
    }

    @Test
    void retryMaxBackoffMustNotBeShorterThanTheInitial() {
        assertThatThrownBy(() -> WorkerConfig.builder().retryBackoff(Duration.ofMinutes(1), Duration.ofSeconds(1)).build())
                .hasMessageContaining("retryMaxBackoff");
    }

    @Test
    void toBuilderCopiesEverySetting() {
        WorkerConfig c = WorkerConfig.builder().concurrency(3).workerId("x").lease(Duration.ofSeconds(40)).build();
        WorkerConfig d = c.toBuilder().build();
        assertThat(d.toString()).isEqualTo(c.toString());
    }

    // issue #11 item 16: durations have bounds, with messages naming the setting and the value

    @Test
    void durationsTooLargeToScheduleAreRejectedNamingTheSettingAndTheValue() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        assertThatThrownBy(() -> WorkerConfig.builder().jobTimeout(huge))
                .hasMessageContaining("jobTimeout must be at most 1d00h but was " + huge);
        assertThatThrownBy(() -> WorkerConfig.builder().lease(Duration.ofDays(365)))
                .hasMessageContaining("lease must be at most 1h00m but was PT8760H");
        assertThatThrownBy(() -> WorkerConfig.builder().pollInterval(Duration.ofDays(2)))
                .hasMessageContaining("pollInterval must be at most 1h00m");
        assertThatThrownBy(() -> WorkerConfig.builder().staleCheckInterval(huge))
                .hasMessageContaining("staleCheckInterval must be at most");
        assertThatThrownBy(() -> WorkerConfig.builder().retryBackoff(Duration.ofSeconds(1), huge))
                .hasMessageContaining("retryMaxBackoff must be at most 30d00h");
        assertThatThrownBy(() -> WorkerConfig.builder().shutdownGracePeriod(huge))
                .hasMessageContaining("shutdownGracePeriod must be at most 1h00m");
        assertThatThrownBy(() -> WorkerConfig.builder().extractorRestartBackoff(huge))
                .hasMessageContaining("extractorRestartBackoff must be at most 1h00m");
        assertThatThrownBy(() -> WorkerConfig.builder().sessionTimeout(huge))
                .hasMessageContaining("sessionTimeout must be at most 1d00h");
    }

    @Test
    void timerPeriodsTooShortToScheduleAreRejectedWithAMessage() {
        assertThatThrownBy(() -> WorkerConfig.builder().heartbeatInterval(Duration.ofNanos(1)))
                .hasMessageContaining("heartbeatInterval must be at least 10ms but was PT0.000000001S");
        assertThatThrownBy(() -> WorkerConfig.builder().jobTimeout(Duration.ofNanos(1)))
                .hasMessageContaining("jobTimeout must be at least 10ms");
        assertThatThrownBy(() -> WorkerConfig.builder().lease(Duration.ofMillis(1)))
                .hasMessageContaining("lease must be at least 100ms");
    }

    @Test
    void environmentValuesThatOverflowAreRejectedNamingTheVariable() {
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("EXTRACTION_TIMEOUT", "9223372036854775807")))
                .hasMessageContaining("EXTRACTION_TIMEOUT").hasMessageContaining("jobTimeout must be at most 1d00h");
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("DOCKET_HEARTBEAT_INTERVAL", "0")))
                .hasMessageContaining("DOCKET_HEARTBEAT_INTERVAL").hasMessageContaining("heartbeatInterval must be > 0");
    }

    @Test
    void theLargestAcceptedValuesStartAndStopARuntime() {
        WorkerConfig c = WorkerConfig.builder().jobTimeout(WorkerConfig.MAX_JOB_TIMEOUT)
                .lease(WorkerConfig.MAX_INTERVAL).heartbeatInterval(WorkerConfig.MAX_INTERVAL.minusSeconds(1))
                .staleCheckInterval(WorkerConfig.MAX_INTERVAL).pollInterval(WorkerConfig.MAX_INTERVAL)
                .retryBackoff(WorkerConfig.MAX_RETRY_BACKOFF, WorkerConfig.MAX_RETRY_BACKOFF)
                .shutdownGracePeriod(Duration.ZERO).extractorRestartBackoff(WorkerConfig.MAX_INTERVAL)
                .sessionTimeout(WorkerConfig.MAX_JOB_TIMEOUT).build();
        InMemoryJobStore store = new InMemoryJobStore();
        store.enqueue(NewJob.of("s", "n"));
        try (WorkerRuntime r = WorkerRuntime.builder(store, (job, ctx) -> Document.of(new byte[] {1}, "text/plain"))
                .config(c).documentSink(new FileSystemDocumentSink(java.nio.file.Path.of("target", "wc-docs")))
                .start()) {
            Await.until("completed", () -> r.completedCount() == 1);
        }
    }

    @Test
    void concurrencyAutoFromTheEnvironmentWithTheDefaultOrAGivenMaximum() {
        WorkerConfig auto = WorkerConfig.fromEnvironment(Map.of("WORKER_CONCURRENCY", "auto"));
        assertThat(auto.concurrencyAuto()).isTrue();
        assertThat(auto.concurrency()).isEqualTo(WorkerConfig.DEFAULT_AUTO_MAX_CONCURRENCY);
        assertThat(auto.toString()).contains("concurrency=auto (at most 64)");
        WorkerConfig capped = WorkerConfig.fromEnvironment(Map.of("WORKER_CONCURRENCY", "AUTO:12"));
        assertThat(capped.concurrencyAuto()).isTrue();
        assertThat(capped.concurrency()).isEqualTo(12);
        assertThat(capped.toBuilder().build().concurrencyAuto()).isTrue();
        assertThat(WorkerConfig.builder().concurrencyAuto(5).concurrency(3).build().concurrencyAuto())
                .as("a fixed number replaces auto").isFalse();
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("WORKER_CONCURRENCY", "auto:many")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WORKER_CONCURRENCY")
                .hasMessageContaining("auto:many");
        assertThatThrownBy(() -> WorkerConfig.builder().concurrencyAuto(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrency auto").hasMessageContaining("0");
    }
}
