package dev.docket.queue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ManualTickerTest {
    @Test
    void movesOnlyWhenAdvancedAndNeverBack() {
        ManualTicker t = new ManualTicker();
        assertThat(t.read()).isZero();
        t.advance(Duration.ofMillis(1500));
        assertThat(t.read()).isEqualTo(1_500_000_000L);
        assertThatThrownBy(() -> t.advance(Duration.ofNanos(-1))).hasMessage("amount must be >= 0 but was PT-0.000000001S");
        assertThat(t.read()).isEqualTo(1_500_000_000L);
    }
}
