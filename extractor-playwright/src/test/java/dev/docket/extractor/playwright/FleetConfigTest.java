package dev.docket.extractor.playwright;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FleetConfigTest {

    @Test
    void defaultsAndTheBrowserMemoryLimitThatFollowsTheSlotsPerBrowser() {
        FleetConfig d = FleetConfig.defaults();
        assertThat(d.browserMaxJobs()).isEqualTo(500);
        assertThat(d.browserIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.browserMaxMemoryBytes(4)).isEqualTo(1536L * 1024 * 1024);
        assertThat(d.memoryReserveBytesInForce()).isEqualTo(Runtime.getRuntime().maxMemory() + 256L * 1024 * 1024);
        assertThat(PlaywrightConfig.builder().build().fleet()).isSameAs(d);
    }

    @Test
    void theEnvironmentSetsEverySettingThroughPlaywrightConfig() {
        PlaywrightConfig c = PlaywrightConfig.fromEnvironment(Map.of("DOCKET_BROWSER_MAX_JOBS", "200",
                "DOCKET_BROWSER_MAX_MEMORY", "1000000000", "DOCKET_BROWSER_IDLE_TIMEOUT", "60000",
                "DOCKET_MEMORY_RESERVE", "123", "DOCKET_MEMORY_HIGH_WATER", "0.95", "DOCKET_MEMORY_LOW_WATER", "0.7")).build();
        FleetConfig f = c.fleet();
        assertThat(f.browserMaxJobs()).isEqualTo(200);
        assertThat(f.browserMaxMemoryBytes(4)).isEqualTo(1_000_000_000L);
        assertThat(f.browserIdleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(f.memoryReserveBytesInForce()).isEqualTo(123);
        assertThat(f.memoryHighWater()).isEqualTo(0.95);
        assertThat(f.memoryLowWater()).isEqualTo(0.7);
        assertThat(c.toString()).contains("browserMaxJobs=200");
    }

    @Test
    void badValuesAreRejectedNamingTheSettingAndTheValue() {
        assertThatThrownBy(() -> FleetConfig.builder().browserMaxJobs(-1).build()).hasMessageContaining("browserMaxJobs")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> FleetConfig.builder().memoryWaterMarks(0.8, 0.9).build())
                .hasMessageContaining("memoryLowWater").hasMessageContaining("0.9");
        assertThatThrownBy(() -> FleetConfig.builder().memoryWaterMarks(1.5, 0.9).build())
                .hasMessageContaining("memoryHighWater").hasMessageContaining("1.5");
        assertThatThrownBy(() -> FleetConfig.builder().browserIdleTimeout(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("browserIdleTimeout");
        assertThatThrownBy(() -> FleetConfig.fromEnvironment(Map.of("DOCKET_MEMORY_HIGH_WATER", "lots")))
                .hasMessageContaining("DOCKET_MEMORY_HIGH_WATER").hasMessageContaining("lots");
        assertThatThrownBy(() -> FleetConfig.fromEnvironment(Map.of("DOCKET_BROWSER_MAX_JOBS", "x")))
                .hasMessageContaining("DOCKET_BROWSER_MAX_JOBS");
    }
}
