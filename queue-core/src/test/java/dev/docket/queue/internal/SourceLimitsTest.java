package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.SourcePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceLimitsTest {
    private static final SourcePolicy CAPPED = SourcePolicy.builder().concurrency(4)
            .rate(SourcePolicy.Rate.perSecond(20).withBurst(5)).breaker(7).build();

    private static SourceLimits.Input in(String concurrency, String rate, String burst, String breaker) {
        return new SourceLimits.Input(concurrency, rate, burst, breaker);
    }

    @Test
    void settingsNotGivenKeepTheirValue() {
        assertThat(SourceLimits.apply(CAPPED, in(null, null, null, null), "--")).isEqualTo(CAPPED);
        assertThat(in(null, null, null, null).isEmpty()).isTrue();
        assertThat(in(null, null, "3", null).isEmpty()).isFalse();
    }

    @Test
    void wordsAndNumbersChangeThePolicy() {
        SourcePolicy p = SourceLimits.apply(CAPPED, in(" NONE ", "60/m", null, "off"), "");
        assertThat(p.concurrency()).isEmpty();
        assertThat(p.rate()).contains(SourcePolicy.Rate.perMinute(60).withBurst(5)); // a new rate keeps the burst
        assertThat(p.breakerFailures()).isEmpty();
        SourcePolicy q = SourceLimits.apply(CAPPED, in("8", "none", null, " 3 "), "");
        assertThat(q.concurrency()).hasValue(8);
        assertThat(q.rate()).isEmpty();
        assertThat(q.breakerFailures()).hasValue(3);
        assertThat(SourceLimits.apply(CAPPED, in(null, null, "9", null), "").rate())
                .contains(SourcePolicy.Rate.perSecond(20).withBurst(9));
    }

    @Test
    void withoutAPolicyOnlyTheInputIsChecked() {
        assertThat(SourceLimits.apply(null, in(null, null, "5", null), "--").rate()).isEmpty();
        assertThatThrownBy(() -> SourceLimits.apply(null, in(null, "5/d", null, null), "--"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0||| | concurrency must be a whole number 1-100000 or none but was '0'",
        "lots||| | concurrency must be a whole number 1-100000 or none but was 'lots'",
        "100001||| | concurrency must be a whole number 1-100000 or none but was '100001'",
        "+5||| | concurrency must be a whole number 1-100000 or none but was '+5'",
        "|20/d|| | rate must be N/s, N/m or N/h (N 1-1000000) or none but was '20/d'",
        "||-2| | burst must be a whole number 1-100000 but was '-2'",
        "|none|3| | burst needs a rate, but rate is none",
        "|||never | breaker must be a whole number 1-10000 or off but was 'never'",
    })
    void badValuesAreNamedAndQuoted(String concurrency, String rate, String burst, String breaker, String message) {
        assertThatThrownBy(() -> SourceLimits.apply(CAPPED, in(concurrency, rate, burst,
                breaker == null ? null : breaker.strip()), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message.strip());
    }

    @Test
    void theCliPrefixesTheOptionNames() {
        assertThatThrownBy(() -> SourceLimits.apply(CAPPED, in("0", null, null, null), "--"))
                .hasMessage("--concurrency must be a whole number 1-100000 or none but was '0'");
        assertThatThrownBy(() -> SourceLimits.apply(CAPPED, in(null, "none", "3", null), "--"))
                .hasMessage("--burst needs a rate, but --rate is none");
    }

    @Test
    void aBurstWithoutARateInForceIsRefused() {
        SourcePolicy unrated = SourcePolicy.builder().concurrency(2).build();
        assertThatThrownBy(() -> SourceLimits.apply(unrated, in(null, null, "3", null), "--"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--burst needs a rate: the source has no rate limit; give --rate too");
    }

    @Test
    void aQuotedValueIsPrintableAndShort() {
        String hostile = "1\u001b[2J\n" + "x".repeat(100);
        assertThatThrownBy(() -> SourceLimits.apply(CAPPED, in(hostile, null, null, null), ""))
                .hasMessage("concurrency must be a whole number 1-100000 or none but was '1 [2J " + "x".repeat(34)
                        + "…'");
    }
}
