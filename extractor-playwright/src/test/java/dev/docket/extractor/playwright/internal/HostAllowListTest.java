package dev.docket.extractor.playwright.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostAllowListTest {
    private final HostAllowList list = HostAllowList.of(List.of("registry.example.org", "127.0.0.1:8080", "*.files.example.org"));

    @Test
    void allowsListedHostsOnAnyPortUnlessAPortIsGiven() {
        assertThat(list.allows("https://registry.example.org/search?q=1")).isTrue();
        assertThat(list.allows("http://REGISTRY.example.org:8443/x")).isTrue();
        assertThat(list.allows("http://127.0.0.1:8080/doc.pdf")).isTrue();
        assertThat(list.allows("http://127.0.0.1:8081/doc.pdf")).isFalse();
        assertThat(list.allows("http://127.0.0.1/doc.pdf")).isFalse();
    }

    @Test
    void wildcardsMatchSubdomainsOnly() {
        assertThat(list.allows("https://a.files.example.org/x")).isTrue();
        assertThat(list.allows("https://files.example.org/x")).isFalse();
        assertThat(list.allows("https://evilfiles.example.org/x")).isFalse();
    }

    @Test
    void rejectsLookAlikesOtherSchemesAndGarbage() {
        assertThat(list.allows("https://registry.example.org.evil.invalid/")).isFalse();
        assertThat(list.allows("https://registry.example.org@evil.invalid/")).isFalse();
        assertThat(list.allows("file:///etc/passwd")).isFalse();
        assertThat(list.allows("ftp://registry.example.org/")).isFalse();
        assertThat(list.allows("javascript:alert(1)")).isFalse();
        assertThat(list.allows("not a url")).isFalse();
        assertThat(list.allows((String) null)).isFalse();
    }

    @Test
    void blankPagesAndDataUrlsNeverLeaveTheBrowser() {
        assertThat(list.allows("about:blank")).isTrue();
        assertThat(list.allows("data:text/html,hi")).isTrue();
    }
}
