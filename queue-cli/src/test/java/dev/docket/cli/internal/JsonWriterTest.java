package dev.docket.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.cli.MiniJson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void writesNestedDocumentsThatParseBackToTheSameValues() {
        String text = new JsonWriter().beginObject()
                .field("s", "quote \" backslash \\ newline \n tab \t control \u0001 é ✓")
                .field("n", 42L)
                .field("d", 0.1234567891)
                .field("whole", 3.0)
                .field("nan", Double.NaN)
                .field("b", false)
                .field("t", Instant.parse("2026-01-31T08:00:00Z"))
                .name("nullInstant").value((Instant) null)
                .name("age").seconds(Duration.ofMillis(1500))
                .name("payload").json("{\"a\": [1, 2]}")
                .name("notJson").json("{oops")
                .name("empty").beginArray().endArray()
                .name("list").beginArray().value("x").beginObject().field("k", 1L).endObject().endArray()
                .endObject().toString();

        Map<String, Object> doc = MiniJson.object(text);
        assertThat(doc.get("s")).isEqualTo("quote \" backslash \\ newline \n tab \t control \u0001 é ✓");
        assertThat(doc.get("n")).isEqualTo(42.0);
        assertThat(doc.get("d")).isEqualTo(0.123457);
        assertThat(doc.get("whole")).isEqualTo(3.0);
        assertThat(text).contains("\"whole\": 3,");
        assertThat(doc.get("nan")).isNull();
        assertThat(doc.get("b")).isEqualTo(false);
        assertThat(doc.get("t")).isEqualTo("2026-01-31T08:00:00Z");
        assertThat(doc).containsEntry("nullInstant", null);
        assertThat(doc.get("age")).isEqualTo(1.5);
        assertThat(doc.get("payload")).isEqualTo(Map.of("a", List.of(1.0, 2.0)));
        assertThat(doc.get("notJson")).isEqualTo("{oops");
        assertThat(doc.get("empty")).isEqualTo(List.of());
        assertThat(doc.get("list")).isEqualTo(List.of("x", Map.of("k", 1.0)));
    }

    @Test
    void misuseFailsFast() {
        assertThatThrownBy(() -> new JsonWriter().beginObject().value("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().beginArray().name("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().beginObject().endArray()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().beginObject().toString()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().value(1L).value(2L)).isInstanceOf(IllegalStateException.class);
    }
}
