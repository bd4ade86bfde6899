package dev.docket.extractor.playwright.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private static void rejected(String entry, String... reason) {
        assertThatThrownBy(() -> HostAllowList.validate("allowHosts(reg-a)", entry))
                .as("'%s' is rejected", entry)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowHosts(reg-a)")
                .hasMessageContaining("'" + entry + "'")
                .hasMessageContaining(reason.length > 0 ? reason[0] : "");
    }

    @Test
    void overBroadWildcardsAndMalformedNamesAreRejectedNamingTheEntry() {
        rejected("*.com", "too broad");
        rejected("*.org", "too broad");
        rejected("*.co.uk", "too broad");
        rejected("*", "");
        rejected("*.", "");
        rejected("*.*.example.org", "");
        rejected("reg*.example.org", "");
        rejected("a..example.org", "empty label");
        rejected(".example.org", "empty label");
        rejected("example..", "empty label");
        rejected("-bad.example.org", "");
        rejected("bad-.example.org", "");
        rejected("a".repeat(64) + ".example.org", "63");
        rejected("", "");
        rejected("   ", "");
        rejected("registry.example.org:0", "port");
        rejected("registry.example.org:", "");
        rejected("::1", "bracket");
        rejected("[::1", "");
        rejected("[fe80::1%eth0]", "");
        rejected("[not-v6]", "");
        rejected("*.0.0.1", "");
    }

    @Test
    void ipAddressesMustBeWrittenCanonically() {
        rejected("2130706433", "127.0.0.1");
        rejected("0x7f.1", "127.0.0.1");
        rejected("127.1", "127.0.0.1");
        rejected("0177.0.0.1", "127.0.0.1");
        rejected("127.0.0.01", "127.0.0.1");
        rejected("0x7f000001:8080", "127.0.0.1");
        rejected("256.1.1.1", "");
        rejected("1.2.3.4.5", "");
        rejected("[::ffff:127.0.0.1]", "127.0.0.1");
        rejected("example.123", "");
        HostAllowList.validate("allowHosts(reg-a)", "127.0.0.1");
        HostAllowList.validate("allowHosts(reg-a)", "10.1.2.3:8443");
        HostAllowList.validate("allowHosts(reg-a)", "[::1]:8080");
        HostAllowList.validate("allowHosts(reg-a)", "0x.example.org"); // a name: its last label is not a number
    }

    @Test
    void entriesAreNormalisedOnceTheSameWayAsRequestHosts() {
        HostAllowList l = HostAllowList.of(List.of(" Registry.Example.ORG. ", "*.Files.Example.org.:8443", "BÜCHER.example",
                "[0:0:0:0:0:0:0:1]:8080", "[2001:DB8:0:0:1::1]"));
        assertThat(l.patterns()).containsExactlyInAnyOrder("registry.example.org", "*.files.example.org:8443",
                "xn--bcher-kva.example", "[::1]:8080", "[2001:db8::1:0:0:1]");
        assertThat(l.allows("https://registry.example.org./x")).as("a trailing dot is the same host").isTrue();
        assertThat(l.allows("https://REGISTRY.EXAMPLE.ORG/x")).isTrue();
        assertThat(l.allows("https://a.files.example.org.:8443/x")).isTrue();
        assertThat(l.allows("https://xn--bcher-kva.example/x")).isTrue();
        assertThat(l.allows("http://[::1]:8080/x")).isTrue();
        assertThat(l.allows("http://[0::1]:8080/x")).isTrue();
        assertThat(l.allows("http://[::1]:8081/x")).isFalse();
        assertThat(l.allows("http://[2001:db8::1:0:0:1]/x")).isTrue();
        assertThat(l.allows("https://registry.example.org../x")).isFalse();
        HostAllowList ip = HostAllowList.of(List.of("127.0.0.1:8080"));
        assertThat(ip.allows("http://127.0.0.1:8080/x")).isTrue();
        for (String other : List.of("2130706433", "127.1", "0x7f.1", "0177.0.0.1", "127.0.0.01", "0x7f000002")) {
            assertThat(ip.allows("http://" + other + ":8080/x"))
                    .as("%s: chromium shows only dotted addresses; another form may be read differently by the JVM", other)
                    .isFalse();
        }
    }

    @Test
    void theProxyBypassListNamesOnlyTheListedHostsAndNeverLoopbackImplicitly() {
        HostAllowList l = HostAllowList.of(List.of("localhost", "127.0.0.1:8080", "*.example.org", "[::1]:9000"));
        List<String> rules = List.of(l.proxyBypassList().split(","));
        assertThat(rules).first().as("chromium's implicit loopback and link-local bypass is switched off").isEqualTo("<-loopback>");
        assertThat(rules).containsExactlyInAnyOrder("<-loopback>", "localhost", "localhost.", "127.0.0.1:8080",
                "*.example.org", "*.example.org.", "[::1]:9000");
    }
}
