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
    void aPayloadNumberPostgresCannotStoreIsRejectedHereNotByTheStore() {
        // valid JSON, but jsonb stores numbers as numeric: the store would reject the whole batch
        assertThatThrownBy(() -> NewJob.builder("s", "n").payload("{\"n\":1e1000000}").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload must be valid JSON: number 1e1000000 is out of the range PostgreSQL can store"
                        + " (at most 10^131071) at offset 5");
        assertThat(NewJob.builder("s", "n").payload("{\"n\":1e400}").build().payload()).isEqualTo("{\"n\":1e400}");
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

    @Test
    void aPayloadWhoseNumbersExpandPastTheLimitWhenPrintedIsRejected() {
        // jsonb prints numbers in plain notation: 1e60000 is 7 characters in, 60001 out
        String expanding = "[" + "1e60000,".repeat(2) + "1]";
        assertThatThrownBy(() -> NewJob.builder("s", "n").payload(expanding).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload must be at most 65536 characters with its numbers written out in plain notation"
                        + " (as PostgreSQL returns them) but was 120007");
        assertThatThrownBy(() -> NewJob.builder("s", "n").payload("{\"n\": 1e100000}").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain notation");
        assertThatThrownBy(() -> NewJob.builder("s", "n").payload("[" + "1e-9000,".repeat(8) + "1]").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain notation");
        assertThat(NewJob.builder("s", "n").payload("[1e60000]").build().payload()).isEqualTo("[1e60000]");
    }

    @Test
    void aPayloadWithADuplicateKeyIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> NewJob.builder("s", "n").payload("{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}}").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload must be valid JSON: duplicate key \"c\" at offset 23");
        assertThatThrownBy(() -> NewJob.builder("s", "n").payload("{\"id\": 1, \"\\u0069d\": 2}").build())
                .as("the same key spelled with an escape")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate key \"id\"");
        assertThat(NewJob.builder("s", "n").payload("[{\"a\": 1}, {\"a\": 2}]").build()).isNotNull();
    }

    @Test
    void runAfterOutsideTheDocumentedRangeIsRejectedNamingTheFieldAndValue() {
        assertThat(NewJob.MIN_RUN_AFTER).isEqualTo(Instant.parse("1970-01-01T00:00:00Z"));
        assertThat(NewJob.MAX_RUN_AFTER).isEqualTo(Instant.parse("9999-12-31T23:59:59.999999Z"));
        for (Instant bad : new Instant[] {Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:59Z"),
            Instant.MAX, Instant.MIN, Instant.parse("9999-12-31T23:59:59.9999991Z")}) {
            assertThatThrownBy(() -> NewJob.builder("s", "n").runAfter(bad).build()).as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("runAfter must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z but was "
                            + bad);
        }
        assertThat(NewJob.builder("s", "n").runAfter(NewJob.MAX_RUN_AFTER).build().runAfter())
                .isEqualTo(NewJob.MAX_RUN_AFTER);
    }
}
