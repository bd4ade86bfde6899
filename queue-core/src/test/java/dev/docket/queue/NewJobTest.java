package dev.docket.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NewJobTest {

    /** The three text fields, each built with a bad value while the others are fine. */
    static Stream<Arguments> textFields() {
        return Stream.of(
                Arguments.of("documentSource", (Function<String, NewJob.Builder>) v -> NewJob.builder(v, "n")),
                Arguments.of("documentNumber", (Function<String, NewJob.Builder>) v -> NewJob.builder("s", v)),
                Arguments.of("idempotencyKey",
                        (Function<String, NewJob.Builder>) v -> NewJob.builder("s", "n").idempotencyKey(v)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFields")
    void blankTextIsRejectedNamingTheField(String field, Function<String, NewJob.Builder> withValue) {
        assertThatThrownBy(() -> withValue.apply("   ").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " must not be blank");
        assertThatThrownBy(() -> withValue.apply("").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " must not be blank");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFields")
    void tooLongTextIsRejectedNamingTheFieldAndLength(String field, Function<String, NewJob.Builder> withValue) {
        assertThat(withValue.apply("x".repeat(NewJob.MAX_TEXT_LENGTH)).build()).isNotNull();
        assertThatThrownBy(() -> withValue.apply("x".repeat(NewJob.MAX_TEXT_LENGTH + 1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(field + " must be at most 255 characters but was 256");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFields")
    void controlCharactersAreRejectedNamingTheFieldAndPosition(String field,
            Function<String, NewJob.Builder> withValue) {
        assertThatThrownBy(() -> withValue.apply("ab\ncd").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(field + " must not contain control characters but had U+000A at index 2");
        assertThatThrownBy(() -> withValue.apply("a\u0000").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " must not contain control characters");
        assertThatThrownBy(() -> withValue.apply("a\u0085").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textFields")
    void loneSurrogatesAreRejectedNamingTheField(String field, Function<String, NewJob.Builder> withValue) {
        assertThatThrownBy(() -> withValue.apply("a\ud800b").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " must be valid UTF-16");
        assertThatThrownBy(() -> withValue.apply("a\udc00").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " must be valid UTF-16");
    }

    @Test
    void nonAsciiTextIsAccepted() {
        NewJob job = NewJob.builder("registre-é", "n°42 \ud83d\udcc4").idempotencyKey("clé").build();
        assertThat(job.documentSource()).isEqualTo("registre-é");
        assertThat(job.documentNumber()).isEqualTo("n°42 \ud83d\udcc4");
        assertThat(job.idempotencyKey()).isEqualTo("clé");
    }

    @Test
    void nullSourceOrNumberIsRejectedNamingTheField() {
        assertThatThrownBy(() -> NewJob.of(null, "n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("documentSource must not be null");
        assertThatThrownBy(() -> NewJob.of("s", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("documentNumber must not be null");
    }

    @Test
    void aNullIdempotencyKeyMeansNone() {
        assertThat(NewJob.builder("s", "n").idempotencyKey(null).build().idempotencyKey()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":}", "not json", "{\"a\":1} x", "[1,]", "'single'", ""})
    void invalidJsonPayloadIsRejectedNamingThePayload(String payload) {
        assertThatThrownBy(() -> NewJob.builder("s", "n").payload(payload).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("payload must be valid JSON: ");
    }

    @Test
    void tooLongPayloadIsRejectedWithItsLength() {
        String big = "\"" + "x".repeat(NewJob.MAX_PAYLOAD_LENGTH - 1) + "\"";
        assertThatThrownBy(() -> NewJob.builder("s", "n").payload(big).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload must be at most 65536 characters but was 65537");
        String justFits = "\"" + "x".repeat(NewJob.MAX_PAYLOAD_LENGTH - 2) + "\"";
        assertThat(NewJob.builder("s", "n").payload(justFits).build().payload()).hasSize(NewJob.MAX_PAYLOAD_LENGTH);
    }

    @Test
    void validPayloadsAreKeptAsGiven() {
        assertThat(NewJob.builder("s", "n").payload("{\"year\": 2024, \"tags\": [\"a\"]}").build().payload())
                .isEqualTo("{\"year\": 2024, \"tags\": [\"a\"]}");
        assertThat(NewJob.builder("s", "n").payload("null").build().payload()).isEqualTo("null");
        assertThat(NewJob.of("s", "n").payload()).isNull();
    }

    @Test
    void priorityOutsideItsRangeIsRejectedWithTheValue() {
        assertThatThrownBy(() -> NewJob.builder("s", "n").priority(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("priority must be 0-1000000 but was -1");
        assertThatThrownBy(() -> NewJob.builder("s", "n").priority(NewJob.MAX_PRIORITY + 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("priority must be 0-1000000");
        assertThat(NewJob.builder("s", "n").priority(NewJob.MAX_PRIORITY).build().priority())
                .isEqualTo(NewJob.MAX_PRIORITY);
    }

    @Test
    void maxAttemptsOutsideItsRangeIsRejectedWithTheValue() {
        assertThatThrownBy(() -> NewJob.builder("s", "n").maxAttempts(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAttempts must be 1-1000 but was 0");
        assertThatThrownBy(() -> NewJob.builder("s", "n").maxAttempts(NewJob.MAX_ATTEMPTS + 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxAttempts must be 1-1000");
        assertThat(NewJob.builder("s", "n").maxAttempts(1).build().maxAttempts()).isEqualTo(1);
    }

    @Test
    void defaultsAreNamedConstants() {
        NewJob job = NewJob.of("s", "n");
        assertThat(job.priority()).isZero();
        assertThat(job.maxAttempts()).isEqualTo(NewJob.DEFAULT_MAX_ATTEMPTS);
        assertThat(job.runAfter()).isNull();
        assertThat(job.idempotencyKey()).isNull();
    }

    @Test
    void equalJobsAreEqual() {
        Instant at = Instant.parse("2025-03-01T10:00:00Z");
        NewJob a = NewJob.builder("s", "n").priority(2).runAfter(at).idempotencyKey("k").payload("1").build();
        NewJob b = NewJob.builder("s", "n").priority(2).runAfter(at).idempotencyKey("k").payload("1").build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(NewJob.builder("s", "n").priority(3).runAfter(at).idempotencyKey("k")
                .payload("1").build());
    }
}
