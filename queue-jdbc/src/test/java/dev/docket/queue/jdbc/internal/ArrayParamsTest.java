package dev.docket.queue.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ArrayParamsTest {
    @Test
    void eachElementTypeHasItsPostgresArrayType() {
        assertThat(ArrayParams.sqlType(new Long[0])).isEqualTo("int8");
        assertThat(ArrayParams.sqlType(new Integer[0])).isEqualTo("int4");
        assertThat(ArrayParams.sqlType(new String[0])).isEqualTo("text");
        assertThat(ArrayParams.sqlType(new UUID[0])).isEqualTo("uuid");
        assertThat(ArrayParams.sqlType(new Double[0])).isEqualTo("float8");
    }

    @Test
    void anUnknownElementTypeIsRefusedByName() {
        assertThatThrownBy(() -> ArrayParams.sqlType(new Float[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no PostgreSQL array type for java.lang.Float[]");
    }
}
