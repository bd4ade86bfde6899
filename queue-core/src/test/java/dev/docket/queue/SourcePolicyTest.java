package dev.docket.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class SourcePolicyTest {
    @Test
    void theBuiltInDefaultHasNoCapNoRateAndTheBreakerOn() {
        SourcePolicy d = SourcePolicy.defaults();
        assertThat(d.concurrency()).isEmpty();
        assertThat(d.rate()).isEmpty();
        assertThat(d.breakerFailures()).hasValue(5);
        assertThat(d.coolDownFrom()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.coolDownTo()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.isLimiting()).isFalse();
        assertThat(d).isEqualTo(SourcePolicy.builder().build());
    }

    @Test
    void badValuesAreRefusedNamingTheFieldAndTheValue() {
        assertThatThrownBy(() -> SourcePolicy.builder().concurrency(0).build())
                .hasMessage("concurrency must be 1-100000 but was 0");
        assertThatThrownBy(() -> SourcePolicy.builder().breaker(0).build())
                .hasMessage("breakerFailures must be 1-10000 but was 0");
        assertThatThrownBy(() -> SourcePolicy.builder().breaker(3, Duration.ofMinutes(2), Duration.ofMinutes(1)).build())
                .hasMessage("coolDownTo must be >= coolDownFrom (PT2M) but was PT1M");
        assertThatThrownBy(() -> SourcePolicy.builder().breaker(3, Duration.ofMillis(10), Duration.ofMinutes(1)).build())
                .hasMessage("coolDownFrom must be 1s-7d but was PT0.01S");
        assertThatThrownBy(() -> SourcePolicy.builder().throttle(Duration.ofMinutes(5), Duration.ofMinutes(1)).build())
                .hasMessage("throttleMax must be >= throttleWithoutHint (PT5M) but was PT1M");
        assertThatThrownBy(() -> SourcePolicy.Rate.perSecond(0)).hasMessage("rate.permits must be 1-1000000 but was 0");
        assertThatThrownBy(() -> SourcePolicy.Rate.perSecond(5).withBurst(0))
                .hasMessage("rate.burst must be 1-100000 but was 0");
        assertThatThrownBy(() -> new SourcePolicy.Rate(1, ChronoUnit.DAYS, 1))
                .hasMessage("rate.per must be SECONDS, MINUTES or HOURS but was Days");
    }

    @Test
    void ratesParseAndPrintAsTheCliWritesThem() {
        assertThat(SourcePolicy.Rate.parse("20/s")).isEqualTo(SourcePolicy.Rate.perSecond(20));
        assertThat(SourcePolicy.Rate.parse(" 600/M ")).isEqualTo(SourcePolicy.Rate.perMinute(600));
        assertThat(SourcePolicy.Rate.parse("1000/h").toString()).isEqualTo("1000/h");
        assertThat(SourcePolicy.Rate.perMinute(90).perSecondValue()).isEqualTo(1.5);
        assertThatThrownBy(() -> SourcePolicy.Rate.parse("fast"))
                .hasMessage("rate must be N/s, N/m or N/h (N >= 1) but was 'fast'");
        assertThatThrownBy(() -> SourcePolicy.Rate.parse("0/s"))
                .hasMessage("rate must be N/s, N/m or N/h (N >= 1) but was '0/s'");
    }

    @Test
    void toBuilderKeepsEveryValue() {
        SourcePolicy p = SourcePolicy.builder().concurrency(4).rate(SourcePolicy.Rate.perHour(100).withBurst(3))
                .breakerOff().throttle(Duration.ofSeconds(10), Duration.ofMinutes(20)).build();
        assertThat(p.toBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
        assertThat(p.isLimiting()).isTrue();
        assertThat(p.toString()).isEqualTo("concurrency=4 rate=100/h burst=3 breaker=off cool-down=PT30S..PT10M"
                + " throttle=PT10S..PT20M");
    }
}
