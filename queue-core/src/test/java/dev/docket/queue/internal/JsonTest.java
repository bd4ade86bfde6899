package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "[]", "null", "true", "false", "0", "-0", "12", "-3.25", "1e10", "1.5E-3", "2e+2", "\"\"",
        "\"text\"", " { \"a\" : [ 1 , 2 , { \"b\" : null } ] } ", "\n\t[1]\r\n",
        "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\"", "\"emoji \ud83d\udcc4\"", "\"pair \\ud83d\\udcc4\"",
        "{\"nested\": {\"deeper\": [[[]]]}}", "\"é ü 中\""
    })
    void acceptsValidJson(String text) {
        assertThat(Json.validate(text)).as(text).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "'x'", "\"open", "tru", "nul",
        "01", "-01", "1.", ".5", "-", "1e", "+1", "[1] [2]", "{\"a\":1}}", "\"bad \\x escape\"",
        "\"\\u12\"", "\"\\u12g4\"", "\"\\u0000\"", "\"raw \u0001 control\"", "\"tab\tinside\"",
        "\"lone \\ud800\"", "\"lone \\udc00\"", "\"high then text \\ud83dxx\"", "\"raw lone \ud800\"",
        "\"raw low \udc00\"", "NaN", "Infinity", "[\uff11]", "\"\\u\uff11\uff12\uff13\uff14\""
    })
    void rejectsInvalidJsonSayingWhereAndWhat(String text) {
        String problem = Json.validate(text);
        assertThat(problem).as(text).isNotNull();
        assertThat(problem).as(text).containsPattern("offset \\d+");
    }

    @Test
    void reportsTheOffsetOfTheProblem() {
        assertThat(Json.validate("{\"a\": x}")).isEqualTo("unexpected 'x' at offset 6");
        assertThat(Json.validate("[1] 2")).isEqualTo("unexpected '2' at offset 4 after the value");
    }

    @Test
    void rejectsNestingDeeperThanTheLimit() {
        assertThat(Json.validate("[".repeat(64) + "]".repeat(64))).isNull();
        assertThat(Json.validate("[".repeat(80) + "]".repeat(80))).contains("nesting deeper than 64");
    }

    @Test
    void quotesStringsSoThatTheyValidate() {
        String nasty = "a\"b\\c\nd\re\tf\u0001g\u2028h é";
        String quoted = Json.quote(nasty);
        assertThat(quoted).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u2028h é\"");
        assertThat(Json.validate(quoted)).isNull();
        assertThat(Json.quote(null)).isEqualTo("null");
    }
}
