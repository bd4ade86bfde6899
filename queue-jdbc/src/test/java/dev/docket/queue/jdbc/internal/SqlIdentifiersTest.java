package dev.docket.queue.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlIdentifiersTest {

    @ParameterizedTest
    @ValueSource(strings = {"docket", "_queue", "a", "docket_2", "select", "public",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"})
    void acceptsLowerCaseIdentifiersUpTo63Characters(String name) {
        assertThat(SqlIdentifiers.requireSchema("schema", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Docket", "2docket", "docket-a", "docket a", "docket;drop table x",
        "docket\"; DROP SCHEMA public CASCADE; --", "docket'", "dócket", "a.b",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl", "pg_docket", "information_schema",
        "docket\n"})
    void rejectsAnythingElseNamingTheFieldAndValue(String name) {
        assertThatThrownBy(() -> SqlIdentifiers.requireSchema("schema", name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("schema must ");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> SqlIdentifiers.requireSchema("schema", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("schema must not be null");
    }

    @Test
    void theMessageShowsTheBadValueAndThePattern() {
        assertThatThrownBy(() -> SqlIdentifiers.requireSchema("schema", "Bad-Name"))
                .hasMessageContaining("'Bad-Name'").hasMessageContaining("[a-z_][a-z0-9_]{0,62}");
    }

    @Test
    void channelsAreDistinctPerSchemaAndFitInAnIdentifier() {
        assertThat(SqlIdentifiers.channel("docket")).isEqualTo("docket_jobs");
        String longA = "a".repeat(60) + "xyz";
        String longB = "a".repeat(60) + "xyw";
        assertThat(SqlIdentifiers.channel(longA)).hasSizeLessThanOrEqualTo(63)
                .isNotEqualTo(SqlIdentifiers.channel(longB)).matches(SqlIdentifiers.IDENTIFIER_PATTERN);
    }
}
