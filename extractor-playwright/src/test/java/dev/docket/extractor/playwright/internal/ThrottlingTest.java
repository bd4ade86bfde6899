package dev.docket.extractor.playwright.internal;

import dev.docket.queue.ExtractionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Throttling}: what a registry's {@code Retry-After} header is taken to mean. */
class ThrottlingTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void secondsAreTakenAsTheyAreUpToTheBound() {
        assertThat(Throttling.retryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(Throttling.retryAfter(" 0 ", NOW)).isZero();
        assertThat(Throttling.retryAfter("86400", NOW)).isEqualTo(Throttling.MAX_RETRY_AFTER);
        assertThat(Throttling.retryAfter("99999999999999999999999", NOW)).isEqualTo(Throttling.MAX_RETRY_AFTER);
    }

    @Test
    void anHttpDateInEachOfItsThreeFormsIsTheTimeUntilThen() {
        assertThat(Throttling.retryAfter("Sun, 01 Mar 2026 12:05:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(5));
        assertThat(Throttling.retryAfter("Sunday, 01-Mar-26 12:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Throttling.retryAfter("Sun Mar  1 12:01:00 2026", NOW)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Throttling.retryAfter("Mon, 02 Mar 2026 12:00:00 GMT", NOW)).isEqualTo(Throttling.MAX_RETRY_AFTER);
        assertThat(Throttling.retryAfter("Sat, 28 Feb 2026 12:00:00 GMT", NOW)).as("in the past").isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "soon", "-5", "1.5", "12 s", "0x10", "Sun, 01 Mar 2026 25:00:00 GMT",
            "120\u0000", "999999999999999999999999999999999999999999999999999999999999999999999"})
    void anythingElseMeansNoHint(String header) {
        Duration d = Throttling.retryAfter(header, NOW);
        assertThat(d.isZero() || d.equals(Throttling.MAX_RETRY_AFTER)).isTrue();
        if (!header.chars().allMatch(Character::isDigit) || header.isEmpty()) {
            assertThat(d).isZero();
        }
    }

    @Test
    void nullMeansNoHint() {
        assertThat(Throttling.retryAfter(null, NOW)).isZero();
    }

    @Test
    void only429And503AreThrottlingAndTheFailureSaysWhatTheRegistryAnswered() {
        assertThat(Throttling.isThrottle(429)).isTrue();
        assertThat(Throttling.isThrottle(503)).isTrue();
        assertThat(Throttling.isThrottle(500)).isFalse();
        assertThat(Throttling.isThrottle(502)).isFalse();
        ExtractionException e = Throttling.throttled(7, "the page", 429, "http://127.0.0.1/x", "30", NOW);
        assertThat(e.kind()).isEqualTo(ExtractionException.Kind.THROTTLED);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(e.getMessage()).isEqualTo("job 7: the registry answered HTTP 429 (Too Many Requests) for the page"
                + " http://127.0.0.1/x (Retry-After 30 s)");
    }
}
