package dev.docket.extractor.playwright.internal.snapshot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link HtmlSanitizer}: a stored page runs nothing and stays within its cap. */
class HtmlSanitizerTest {
    private static String body(String html) {
        String s = HtmlSanitizer.sanitize(html, 10_000);
        assertThat(s).startsWith(HtmlSanitizer.PREAMBLE);
        return s.substring(HtmlSanitizer.PREAMBLE.length());
    }

    @Test
    void scriptsAndEmbeddingElementsAreRemovedInAnyCase() {
        assertThat(body("<p>a</p><script>alert(1)</script><p>b</p><SCRIPT type=x>x()</SCRIPT ><p>c</p>"))
                .isEqualTo("<p>a</p><p>b</p><p>c</p>");
        assertThat(body("<p>a</p><iframe src=//x></iframe><object data=x></object><noscript><img src=x></noscript>z"))
                .isEqualTo("<p>a</p>z");
        assertThat(body("<scripts-are-fine>ok</scripts-are-fine>")).isEqualTo("<scripts-are-fine>ok</scripts-are-fine>");
        assertThat(body("<base href='//evil'><p>x</p>")).isEqualTo("<p>x</p>");
    }

    @Test
    void anUnclosedScriptIsRemovedToTheEnd() {
        assertThat(body("<p>kept</p><script>while(1){} <p>not kept")).isEqualTo("<p>kept</p>");
    }

    @Test
    void handlersRefreshesAndJavascriptUrlsAreMadeInert() {
        String s = body("<img src=x onerror=alert(1)><body ONLOAD='x()'><a href=\"JavaScript:evil()\">l</a>"
                + "<meta http-equiv=refresh content='0;url=//evil'>");
        assertThat(s).doesNotContainIgnoringCase(" onerror=").doesNotContainIgnoringCase(" onload=")
                .doesNotContainIgnoringCase("href=\"javascript:").doesNotContain(" http-equiv=");
        assertThat(s).contains("data-docket-removed-onerror=", "about:blank#removed-javascript:");
    }

    @Test
    void aHugePageIsCutBeforeItIsCleanedAndTheResultStaysWithinTheCap() {
        StringBuilder huge = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            huge.append("<script>x").append(i).append("<p onclick=a>");
        }
        String s = HtmlSanitizer.sanitize(huge.toString(), 50_000);
        assertThat(s.length()).isLessThanOrEqualTo(50_000 + HtmlSanitizer.PREAMBLE.length() + 40);
        assertThat(s).doesNotContain("<script").contains("<!-- cut to 50000 characters -->");
    }
}
