package dev.docket.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.docket.queue.testing.Await;
import dev.docket.testing.DocketPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The example application on PostgreSQL, driven over HTTP like a client would, with a fake registry on loopback. */
class DocketSpringBootExampleTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.empty();

    static HttpServer registry;
    static final List<String> requested = new CopyOnWriteArrayList<>();
    static ConfigurableApplicationContext app;
    static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    static Path documents;

    @BeforeAll
    static void start() throws IOException {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/registry/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            requested.add(path);
            byte[] body = ("%PDF-1.4 " + path).getBytes(StandardCharsets.UTF_8);
            int status = path.endsWith("/MISSING.pdf") ? 404 : 200;
            exchange.sendResponseHeaders(status, status == 200 ? body.length : -1);
            try (OutputStream out = exchange.getResponseBody()) {
                if (status == 200) {
                    out.write(body);
                }
            }
        });
        registry.start();
        // command-line arguments: they win over application.properties
        app = new SpringApplicationBuilder(DocketSpringBootExample.class).run(
                "--server.port=0", "--server.address=127.0.0.1",
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + db.connectionProperties().getProperty("user", ""),
                "--spring.datasource.password=" + db.connectionProperties().getProperty("password", ""),
                "--docket.schema=" + db.schema(),
                "--docket.worker.poll-interval=50ms", "--example.documents=" + documents,
                "--example.registry-url=http://127.0.0.1:" + registry.getAddress().getPort() + "/registry/");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        registry.stop(0);
    }

    private static String base() {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/jobs")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String statusOf(String location) {
        try {
            return get(location).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPostedJobIsExtractedAndAMissingDocumentFails() throws Exception {
        HttpResponse<String> ok = post("{\"source\": \"registry-a\", \"number\": \"2024-000123\"}");
        assertThat(ok.statusCode()).isEqualTo(202);
        String location = ok.headers().firstValue("Location").orElseThrow();
        Await.until("COMPLETED", () -> statusOf(location).contains("\"status\":\"COMPLETED\""));
        assertThat(requested).contains("/registry/registry-a/2024-000123.pdf");
        assertThat(statusOf(location)).contains(documents.toUri().toString());

        String missing = post("{\"source\": \"registry-a\", \"number\": \"MISSING\"}").headers().firstValue("Location")
                .orElseThrow();
        Await.until("FAILED at once", () -> statusOf(missing).contains("\"status\":\"FAILED\"")
                && statusOf(missing).contains("does not exist"));
    }

    @Test
    void hostileJobFieldsStayOneSegmentAndBadOnesAreRefused() throws Exception {
        String location = post("{\"source\": \"..\", \"number\": \"a/../b c\"}").headers().firstValue("Location")
                .orElseThrow();
        Await.until("finished", () -> statusOf(location).contains("\"status\":\"COMPLETED\""));
        assertThat(requested).contains("/registry/%2E%2E/a%2F..%2Fb%20c.pdf");
        assertThat(post("{\"source\": \"\", \"number\": \"N-1\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void healthAndTheDiagnoseSnapshotAreServed() throws Exception {
        Await.until("docket UP in /actuator/health", () -> {
            try {
                HttpResponse<String> h = get("/actuator/health");
                return h.statusCode() == 200 && h.body().contains("\"docket\":{") && h.body().contains("\"state\":\"RUNNING\"");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HttpResponse<String> d = get("/actuator/docket");
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.body()).contains("\"queue\"").contains("\"counts\"").contains("\"workers\"");
        assertThat(get("/actuator/metrics/docket.jobs").statusCode()).isEqualTo(200);
    }
}
