package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        // query strings (tokens, signatures) go, path and host stay
        "GET https://registry.example/doc/42?token=s3cr3t&page=2 failed: 403"
                + "|GET https://registry.example/doc/42?<redacted> failed: 403",
        "http://127.0.0.1:8080/a?sig=s3cr3t|http://127.0.0.1:8080/a?<redacted>",
        "HTTPS://Registry.Example/x?Token=s3cr3t|HTTPS://Registry.Example/x?<redacted>",
        // user info and fragments (OAuth implicit tokens) go too
        "fetch https://user:s3cr3t@registry.example/x refused|fetch https://<redacted>@registry.example/x refused",
        "https://s3cr3t@registry.example|https://<redacted>@registry.example",
        "https://us@r:s3c@r3t@registry.example/?a=1|https://<redacted>@registry.example/?<redacted>",
        "https://h/cb#access_token=s3cr3t|https://h/cb#<redacted>",
        "https://h/p?x=s3cr3t#frag|https://h/p?<redacted>#<redacted>",
        // quoted, bracketed, followed by punctuation, several, over lines
        "navigating to \"https://h/p?sig=s3cr3t\", waiting until \"load\""
                + "|navigating to \"https://h/p?<redacted>\", waiting until \"load\"",
        "(see https://h/p?t=s3cr3t). Next|(see https://h/p?<redacted>). Next",
        "'https://h/p?t=s3cr3t' and <https://h/q?u=s3cr3t>|'https://h/p?<redacted>' and <https://h/q?<redacted>>",
        "https://h/p?q=it's(s3cr3t)|https://h/p?<redacted>)",
        // nothing to redact: left exactly as is
        "https://registry.example/@scope/pkg/-/pkg-1.0.tgz|https://registry.example/@scope/pkg/-/pkg-1.0.tgz",
        "https://h/path? then|https://h/path? then",
        "no url here? no=token|no url here? no=token",
        "mailto:someone@example.org?subject=x|mailto:someone@example.org?subject=x",
    })
    void redactsQueryStringsUserInfoAndFragmentsOfEveryUrl(String text, String expected) {
        String redacted = Redaction.redactUrls(text);
        assertThat(redacted).isEqualTo(expected);
        assertThat(Redaction.redactUrls(redacted)).as("idempotent").isEqualTo(redacted);
    }

    @Test
    void everyUrlOfAMultiLineTextIsRedacted() {
        assertThat(Redaction.redactUrls("a https://h/1?t=s3cr3t b ftp://h/2?t=s3cr3t\nc jdbc:postgresql://db/app?password=s3cr3t"))
                .isEqualTo("a https://h/1?<redacted> b ftp://h/2?<redacted>\nc jdbc:postgresql://db/app?<redacted>");
    }

    @Test
    void nullAndEmptyStayAsTheyAre() {
        assertThat(Redaction.redactUrls(null)).isNull();
        assertThat(Redaction.redactUrls("")).isEmpty();
    }

    @Test
    void hostileInputIsHandledInLinearTime() {
        String hostile = "https://h?".repeat(200_000) + "x://" + "@".repeat(200_000) + "host?s3cr3t";
        String redacted = Redaction.redactUrls(hostile);
        assertThat(redacted).doesNotContain("s3cr3t");
    }
}
