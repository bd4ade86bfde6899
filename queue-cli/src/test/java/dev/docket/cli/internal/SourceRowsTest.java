package dev.docket.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.cli.MiniJson;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.SourceStatus.State;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How sources are shown by {@code docket sources} and diagnose, from statuses made by hand. */
class SourceRowsTest {
    static final Instant T = Instant.parse("2026-01-31T08:00:00.123Z");
    static final SourcePolicy CAPPED = SourcePolicy.builder().concurrency(4)
            .rate(SourcePolicy.Rate.perSecond(20).withBurst(5)).breaker(3).build();

    static SourceStatus status(String source, SourcePolicy policy, State state, Instant until, String reason,
            double effectiveRate, String lastError) {
        return new SourceStatus(source, 12, 3, policy, policy != SourcePolicy.defaults(), state, until, reason,
                effectiveRate, 0, 40, 2, Duration.ofMillis(850), Duration.ofMillis(2300), lastError);
    }

    static String print(List<SourceStatus> sources) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SourceRows.print(new PrintStream(buf, true, StandardCharsets.UTF_8), sources, "  ");
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyStateReadsAsTheIssueWritesIt() {
        assertThat(SourceRows.state(status("a", CAPPED, State.CLOSED, null, null, 20, null))).isEqualTo("closed");
        assertThat(SourceRows.state(status("a", CAPPED, State.OPEN, T, null, 20, null)))
                .isEqualTo("open until 2026-01-31T08:00:00Z");
        assertThat(SourceRows.state(status("a", CAPPED, State.HALF_OPEN, null, null, 20, null))).isEqualTo("half-open");
        assertThat(SourceRows.state(status("a", CAPPED, State.PAUSED, null, "registry maintenance", 20, null)))
                .isEqualTo("paused: registry maintenance");
        assertThat(SourceRows.state(status("a", CAPPED, State.BLOCKED, T, "HTTP 429", 20, null)))
                .isEqualTo("blocked until 2026-01-31T08:00:00Z: HTTP 429");
    }

    @Test
    void tableShowsCapRateBreakerPolicyCountsAndPercentiles() {
        String out = print(List.of(status("registry-a", CAPPED, State.CLOSED, null, null, 10, "HTTP 503"),
                status("registry-b", SourcePolicy.defaults(), State.CLOSED, null, null, 0, null)));
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).contains("SOURCE", "PENDING", "PROCESSING", "CAP", "RATE", "BREAKER", "POLICY",
                "STATE", "COMPLETED 60M", "FAILED 60M", "P50 60M", "P95 60M", "LAST ERROR");
        assertThat(lines.get(1)).contains("registry-a", "20/s burst 5 (now 10.0/s)", "own", "closed", "850ms",
                "2.3s", "HTTP 503").matches(".*registry-a\\s+12\\s+3\\s+4\\s+.*");
        assertThat(lines.get(2)).contains("registry-b", "default").matches(".*registry-b\\s+12\\s+3\\s+-\\s+-\\s+5\\s+default.*");
        assertThat(print(List.of())).isEqualTo("  none\n");
    }

    @Test
    void hostileNamesReasonsAndErrorsArePrintedSafelyAndSecretsInUrlsRedacted() {
        String evil = "reg\u001b[2J\nfake-line";
        String out = print(List.of(status(evil, CAPPED, State.PAUSED, null, "why\r\u001b]0;title\u0007",
                20, "GET https://registry.example/doc?token=s3cret failed")));
        assertThat(out).doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u0007")
                .doesNotContain("s3cret");
        assertThat(out.lines().count()).as("one header and one row: no injected line").isEqualTo(2);
        assertThat(out).contains("reg [2J fake-line");
    }

    @Test
    void jsonHasEveryFieldWithNullForNoneAndOff() {
        JsonWriter w = new JsonWriter().beginArray();
        SourceRows.json(w, status("a\"b", CAPPED, State.BLOCKED, T, "HTTP 429", 10, "GET https://r.example/d?token=x: 503"));
        SourceRows.json(w, status("c", SourcePolicy.builder().breakerOff().build(), State.CLOSED, null, null, 0, null));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) MiniJson.parse(w.endArray().toString());
        Map<String, Object> a = rows.get(0);
        assertThat(a).containsEntry("source", "a\"b").containsEntry("state", "BLOCKED")
                .containsEntry("stateText", "blocked until 2026-01-31T08:00:00Z: HTTP 429")
                .containsEntry("until", T.toString()).containsEntry("reason", "HTTP 429")
                .containsEntry("ownPolicy", true).containsEntry("lastError", "GET https://r.example/d?<redacted>: 503");
        assertThat(((Number) a.get("pending")).longValue()).isEqualTo(12);
        assertThat(((Number) a.get("p50Last60mSeconds")).doubleValue()).isEqualTo(0.85);
        @SuppressWarnings("unchecked")
        Map<String, Object> policy = (Map<String, Object>) a.get("policy");
        assertThat(((Number) policy.get("concurrency")).intValue()).isEqualTo(4);
        assertThat(((Number) policy.get("breakerFailures")).intValue()).isEqualTo(3);
        @SuppressWarnings("unchecked")
        Map<String, Object> rate = (Map<String, Object>) policy.get("rate");
        assertThat(rate).containsEntry("text", "20/s").containsEntry("per", "second");
        assertThat(((Number) rate.get("burst")).intValue()).isEqualTo(5);
        @SuppressWarnings("unchecked")
        Map<String, Object> none = (Map<String, Object>) rows.get(1).get("policy");
        assertThat(none).containsEntry("concurrency", null).containsEntry("rate", null)
                .containsEntry("breakerFailures", null);
    }

    @Test
    void policyReadsInTheWordsOfLimit() {
        assertThat(SourceRows.policy(CAPPED)).isEqualTo("concurrency 4, rate 20/s burst 5, breaker 3 failures"
                + " (cool-down 30s to 10m)");
        assertThat(SourceRows.policy(SourcePolicy.builder().breakerOff().build()))
                .isEqualTo("concurrency none, rate none, breaker off");
    }
}
