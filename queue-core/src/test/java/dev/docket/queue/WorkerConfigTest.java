package dev.docket.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("SESSION_TIMEOUT", "-1")))
                .hasMessageContaining("SESSION_TIMEOUT=-1").hasMessageContaining("sessionTimeout must be > 0");
    }

    @Test
    void builderRejectsBadValuesNamingTheField() {
        assertThatThrownBy(() -> WorkerConfig.builder().concurrency(0)).hasMessage("concurrency must be 1-1000 but was 0");
        assertThatThrownBy(() -> WorkerConfig.builder().jobTimeout(Duration.ZERO)).hasMessageContaining("jobTimeout must be > 0");
        assertThatThrownBy(() -> WorkerConfig.builder().lease(null)).hasMessageContaining("lease must be > 0 but was null");
        assertThatThrownBy(() -> WorkerConfig.builder().workerId("a b")).hasMessageContaining("workerId").hasMessageContaining("'a b'");
        assertThatThrownBy(() -> WorkerConfig.builder().claimBatchSize(0)).hasMessageContaining("claimBatchSize");
        assertThatThrownBy(() -> WorkerConfig.builder().shutdownGracePeriod(Duration.ofSeconds(-1)))
                .hasMessageContaining("shutdownGracePeriod must be >= 0");
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
}
