package dev.docket.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake registry site behaves as its javadoc says: what extractor tests and the benchmarks rely on. */
class FakeRegistryTest {
    FakeRegistry registry;
    HttpClient browser;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
        browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(registry.base() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> search(String number) throws Exception {
        get("/search");
        return browser.send(HttpRequest.newBuilder(URI.create(registry.searchUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("source=reg-a&number=" + number, StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSearchLeadsToTheDocumentWhichNeedsTheSession() throws Exception {
        HttpResponse<String> result = search("N-1");
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("class='doc'").contains("/doc/N-1.pdf");

        HttpResponse<byte[]> doc = browser.send(HttpRequest.newBuilder(URI.create(registry.base() + "/doc/N-1.pdf"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(doc.body()).isEqualTo(FakeRegistry.documentBytes("N-1"));
        assertThat(registry.documentsServed()).isEqualTo(1);
        assertThat(registry.sessions()).hasSize(1);
        assertThat(registry.requests()).contains("GET /search", "POST /search", "GET /doc/N-1.pdf");

        HttpResponse<String> stranger = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry.base() + "/doc/N-1.pdf")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stranger.statusCode()).as("no session, no document").isEqualTo(403);
        assertThat(registry.documentsServed()).isEqualTo(1);
    }

    @Test
    void aSecondSearchKeepsTheSession() throws Exception {
        search("N-1");
        search("N-2");
        assertThat(registry.sessions()).hasSize(1);
    }

    @Test
    void missingNumbersAndMarkedOnesAreNotFound() throws Exception {
        registry.markMissing("N-7");
        assertThat(search("missing-1").body()).contains("class='none'").doesNotContain("class='doc'");
        assertThat(search("N-7").body()).contains("class='none'").doesNotContain("class='doc'");
        assertThat(search("N-8").body()).contains("class='doc'");
    }

    @Test
    void documentBytesAreAPdfOf20To30KbFixedByTheNumber() {
        byte[] a = FakeRegistry.documentBytes("N-1");
        assertThat(new String(a, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.4");
        assertThat(a.length).isBetween(20_000, 30_100);
        assertThat(FakeRegistry.documentBytes("N-1")).isEqualTo(a);
        assertThat(FakeRegistry.documentBytes("N-2")).isNotEqualTo(a);
    }
}
