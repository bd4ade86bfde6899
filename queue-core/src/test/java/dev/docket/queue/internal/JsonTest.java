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

    // Boundaries checked against PostgreSQL 15 ('...'::jsonb): jsonb stores numbers as numeric, so a
    // number numeric cannot hold would make the store reject the whole enqueue batch it is in.
    @ParameterizedTest
    @ValueSource(strings = {
        "1e131071", "9.99e131071", "-1e131071", "0.001e131074", "100e131069", "1e-16383", "1.5e-16382",
        "123.456e-16380", "0e-16383", "0e1073741822", "1e400", "{\"n\": [1e-400, 2.5E+300]}"
    })
    void acceptsNumbersPostgresNumericCanHold(String text) {
        assertThat(Json.validate(text)).as(text).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1e131072", "-1e131072", "0.001e131075", "100e131070", "1e1000000", "1e-16384", "1.55e-16382",
        "1.0e-16383", "123.456e-16381", "0e-16384", "0e-20000", "0e1073741823", "1e99999999999999999999",
        "{\"n\": [1, 1e1000000]}"
    })
    void rejectsNumbersOutsidePostgresNumericRange(String text) {
        String problem = Json.validate(text);
        assertThat(problem).as(text).isNotNull().contains("out of the range PostgreSQL can store")
                .containsPattern("offset \\d+");
    }

    @Test
    void rejectsAFractionLongerThanNumericScale() {
        assertThat(Json.validate("0." + "1".repeat(16_383))).isNull();
        assertThat(Json.validate("0." + "1".repeat(16_384)))
                .isEqualTo("number 0.111111111111111111… is out of the range PostgreSQL can store (16384 digits after"
                        + " the decimal point, at most 16383) at offset 0");
    }

    @Test
    void quotesStringsSoThatTheyValidate() {
        String nasty = "a\"b\\c\nd\re\tf\u0001g\u2028h é";
        String quoted = Json.quote(nasty);
        assertThat(quoted).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u2028h é\"");
        assertThat(Json.validate(quoted)).isNull();
        assertThat(Json.quote(null)).isEqualTo("null");
    }

    @Test
    void rejectsDuplicateKeysInAnyObjectComparingTheDecodedKey() {
        assertThat(Json.validate("{\"a\": 1, \"a\": 1}")).isEqualTo("duplicate key \"a\" at offset 9");
        assertThat(Json.validate("[{\"x\": {\"\\u00e9\": 1, \"\u00e9\": 2}}]")).startsWith("duplicate key \"\u00e9\"");
        assertThat(Json.validate("{\"a\": {\"a\": {\"a\": 1}}, \"b\": [{\"a\": 2}]}")).isNull();
        assertThat(Json.validate("{\"" + "k".repeat(300) + "\": 1, \"" + "k".repeat(300) + "\": 2}"))
                .as("a long key is abbreviated").contains("…").hasSizeLessThan(200);
    }

    @Test
    void theExpandedLengthCountsEachNumberAsPostgresPrintsIt() {
        assertThat(Json.checkedExpandedLength("[1,2]")).isEqualTo(5);
        assertThat(Json.checkedExpandedLength("1e3")).isGreaterThanOrEqualTo(4);
        assertThat(Json.checkedExpandedLength("[1e100000]")).isGreaterThanOrEqualTo(100_003);
        assertThat(Json.checkedExpandedLength("1.5e-3")).isGreaterThanOrEqualTo("0.0015".length());
        assertThat(Json.checkedExpandedLength("-12345678901234567890e-1010")).isGreaterThanOrEqualTo(1012);
        assertThat(Json.checkedExpandedLength("\"1e100000\"")).as("inside a string it is text").isEqualTo(10);
    }

    @Test
    void nulEscapesInStringsBecomeTheReplacementCharacterAndNothingElseChanges() {
        assertThat(Json.replaceNulEscapes("{\"a\": \"x\\u0000y\\U0000\"}")).isEqualTo("{\"a\": \"x\ufffdy\\U0000\"}");
        assertThat(Json.replaceNulEscapes("\"\\\\u0000\"")).as("an escaped backslash then text").isEqualTo("\"\\\\u0000\"");
        String plain = "{\"a\": [1, \"b\\n\"]}";
        assertThat(Json.replaceNulEscapes(plain)).isSameAs(plain);
        assertThat(Json.validate(Json.replaceNulEscapes("\"\\u0000\""))).isNull();
    }
}
