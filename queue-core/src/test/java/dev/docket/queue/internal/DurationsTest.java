package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "5min, PT5M", "2h, PT2H", "30d, PT720H", "0s, PT0S",
        "' 45s ', PT45S", "10 s, PT10S", "PT1M30S, PT1M30S", "pt2h, PT2H", "P1D, PT24H"
    })
    void parsesTheShortFormAndIso8601(String text, String expected) {
        assertThat(Durations.parse("lease", text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "s", "5x", "5 mins", "-5s", "1.5h", "5m30s", "PTxyz", "1234567890123s", "\u0663s"})
    void rejectsAnythingElseNamingTheSettingAndTheValue(String text) {
        assertThatThrownBy(() -> Durations.parse("staleCheckInterval", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("staleCheckInterval must be a duration like 30s, 5m, 2h or 30d but was '" + text + "'");
    }

    @Test
    void rejectsEmptyAndNull() {
        assertThatThrownBy(() -> Durations.parse("lease", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lease must be a duration like 30s, 5m, 2h or 30d but was empty");
        assertThatThrownBy(() -> Durations.parse("lease", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("lease must be a duration");
    }

    @Test
    void rejectsANegativeIsoDurationSayingSo() {
        assertThatThrownBy(() -> Durations.parse("lease", "PT-5M")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lease must not be negative but was 'PT-5M'");
    }

    @ParameterizedTest
    @CsvSource({
        "PT0S, 0ms", "PT0.35S, 350ms", "PT12S, 12s", "PT12.5S, 12.5s", "PT59.96S, 59.9s", "PT1M, 1m",
        "PT5M3S, 5m03s", "PT1H2M, 1h02m", "PT2H, 2h00m", "PT26H, 1d02h", "PT-12S, -12s"
    })
    void formatsInTheShortForm(String duration, String expected) {
        assertThat(Durations.format(Duration.parse(duration))).isEqualTo(expected);
    }

    @Test
    void formatDoesNotDependOnTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("ar-EG-u-nu-arab"));
            assertThat(Durations.format(Duration.parse("PT5M3S"))).isEqualTo("5m03s");
            assertThat(Durations.format(Duration.parse("PT1.5S"))).isEqualTo("1.5s");
            Locale.setDefault(Locale.GERMANY);
            assertThat(Durations.format(Duration.parse("PT1.5S"))).isEqualTo("1.5s");
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void formattedShortFormsParseBack() {
        for (String s : new String[] {"350ms", "12s", "5m", "2h"}) {
            assertThat(Durations.format(Durations.parse("x", s))).isEqualTo(s.equals("2h") ? "2h00m" : s);
        }
    }
}
