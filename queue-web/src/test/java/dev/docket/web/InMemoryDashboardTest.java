package dev.docket.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.InMemoryJobStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A dashboard over a store without a DataSource: the SPI views work, the SQL views say what they need. */
class InMemoryDashboardTest {
    @Test
    void overviewAndJobPagesWorkOverAnyStore() throws Exception {
        InMemoryJobStore store = new InMemoryJobStore();
        Fixtures.pending(store, "m-1");
        Fixtures.failed(store, "m-2", "boom");
        store.heartbeat(dev.docket.queue.spi.WorkerHeartbeat.of("w-test", java.util.List.of(),
                java.time.Duration.ofMinutes(1)));
        try (DocketDashboard dashboard = DocketDashboard.builder(store).port(0).start()) {
            HttpClient http = HttpClient.newHttpClient();
            String overview = body(http, dashboard, "/api/overview");
            assertThat(overview).contains("\"PENDING\":1").contains("\"FAILED\":1").doesNotContain("throughput");
            assertThat(body(http, dashboard, "/jobs")).contains("needs a DataSource");
            assertThat(body(http, dashboard, "/jobs/2")).contains("boom").contains("FAILED");
            assertThat(body(http, dashboard, "/stuck")).contains("No stuck job");
            assertThat(body(http, dashboard, "/workers")).contains("w-test");
            assertThat(body(http, dashboard, "/sources")).contains("data-source=\"registry-a\"");
            assertThat(body(http, dashboard, "/sources/view?source=registry-a")).contains("id=\"pending\">1<");
        }
    }

    private static String body(HttpClient http, DocketDashboard d, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(d.url().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }
}
