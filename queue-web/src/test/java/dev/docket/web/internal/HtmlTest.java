package dev.docket.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void escapesMarkupAndQuotes() {
        assertThat(Html.esc("<script>\"a\" & 'b'</script>"))
                .isEqualTo("&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
        assertThat(Html.esc(null)).isEmpty();
    }

    @Test
    void makesInvisibleAndDirectionalCharactersVisible() {
        assertThat(Html.esc("invoice\u202Efdp.exe")).isEqualTo("invoice[U+202E]fdp.exe");
        assertThat(Html.esc("a\u2066b\u0000c\u001bd\uFEFF")).isEqualTo("a[U+2066]b[U+0000]c[U+001B]d[U+FEFF]");
        assertThat(Html.esc("lone \uD800 surrogate")).isEqualTo("lone [U+D800] surrogate");
        assertThat(Html.esc("emoji \uD83D\uDE00 kept, lines\nand\ttabs kept")).isEqualTo(
                "emoji \uD83D\uDE00 kept, lines\nand\ttabs kept");
    }

    @Test
    void prettyPrintsJsonLeavingStringsAlone() {
        assertThat(PrettyJson.format("{\"a\":[1,2],\"b\":{},\"s\":\"x,{y}:\\\"z\"}")).isEqualTo(
                "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"s\": \"x,{y}:\\\"z\"\n}");
        assertThat(PrettyJson.format(null)).isNull();
    }

    @Test
    void documentsGetAnExtensionOnlyForKnownTypes() {
        assertThat(Documents.extension("application/pdf")).isEqualTo(".pdf");
        assertThat(Documents.extension("text/html; charset=utf-8")).isEqualTo(".html");
        assertThat(Documents.extension("x\"; filename=evil.sh")).isEqualTo(".bin");
        assertThat(Documents.extension(null)).isEqualTo(".bin");
    }

    @Test
    void extractorFiguresReadAsTheCliPrintsThem() {
        assertThat(Html.figure("memory.limit.bytes", 2L * 1024 * 1024 * 1024)).isEqualTo("memory.limit 2.0 GiB");
        assertThat(Html.figure("memory.browser.0.bytes", 512)).isEqualTo("memory.browser.0 512 B");
        assertThat(Html.figure("memory.slot.1.bytes", 1536L * 1024)).isEqualTo("memory.slot.1 1.5 MiB");
        assertThat(Html.figure("processes.defunct", 3)).isEqualTo("processes.defunct 3");
        assertThat(Html.percent(0.404)).isEqualTo("40 %");
    }
}
