package dev.docket.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.docket.queue.Job;
import dev.docket.queue.JobQueue;
import dev.docket.queue.NewJob;
import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.testing.DocketPostgres;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Sources view in real Chromium against PostgreSQL: its numbers are the store's, pause, resume and limit
 * work and are recorded with the user, every action is refused without the role, the token or the Origin, and a
 * hostile source name renders inert (and can still be acted on).
 */
class SourcesViewTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    static final Path IMAGES = DashboardBrowserTest.IMAGES;
    static final String ALICE = DashboardSecurityTest.basic(Users.OPERATOR, Users.OPERATOR_PASSWORD);
    static final String BOB = DashboardSecurityTest.basic(Users.READER, Users.READER_PASSWORD);
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final HttpClient http = HttpClient.newHttpClient();
    static PostgresJobStore store;
    static JobQueue ops;
    static DocketDashboard dashboard;
    static Playwright playwright;
    static Browser browser;
    WatchedPage watched;
    Page page;

    @BeforeAll
    static void start() {
        store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).notifications(false).build();
        ops = JobQueue.builder(store).actor("ops-script").build();
        dashboard = DocketDashboard.builder(db.dataSource()).schema(db.schema()).port(0).auth(Users.AUTH).start();
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright);
    }

    @AfterAll
    static void stop() {
        browser.close();
        playwright.close();
        dashboard.close();
        store.close();
    }

    @BeforeEach
    void open() {
        db.truncate();
        watched = new WatchedPage(browser, Users.OPERATOR, Users.OPERATOR_PASSWORD);
        page = watched.page;
    }

    @AfterEach
    void close() {
        watched.close();
    }

    String url(String path) {
        return dashboard.url().resolve(path).toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Two busy sources, one with a policy of its own, one paused, one idle with only history. */
    static void someSources() {
        ops.setSourcePolicy("registry-a", SourcePolicy.builder().concurrency(4)
                .rate(SourcePolicy.Rate.perSecond(20).withBurst(5)).build());
        for (int i = 0; i < 3; i++) {
            store.enqueue(NewJob.of("registry-a", "a-p" + i));
        }
        Fixtures.completed(store, "a-c1");
        Fixtures.completed(store, "a-c2");
        Fixtures.failed(store, "a-f1", "registry said 503 Service Unavailable");
        Job retried = Fixtures.claimed(store, "a-t1", Duration.ofMinutes(5));
        store.finish(retried.lease(), JobOutcome.retryLater("registry said 503 Service Unavailable",
                Duration.ofMinutes(1)));
        Fixtures.claimed(store, "a-r1", Duration.ofMinutes(5));
        for (int i = 0; i < 2; i++) {
            store.enqueue(NewJob.of("registry-b", "b-p" + i));
        }
        ops.pauseSource("registry-b", "registry maintenance until 14:00");
    }

    static long pendingInDatabase(String source) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM "
                + db.schema() + ".extraction_queue WHERE status_id = ? AND document_source = ?")) {
            ps.setInt(1, dev.docket.queue.JobStatus.PENDING.code());
            ps.setString(2, source);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void theSourcesNumbersAreTheStores() throws Exception {
        someSources();
        page.navigate(url("/sources"));
        List<SourceStatus> sources = store.sources();
        assertThat(sources).extracting(SourceStatus::source).containsExactly("registry-a", "registry-b");
        assertThat(page.locator("#sources tbody tr")).hasCount(sources.size());
        for (SourceStatus s : sources) {
            Locator row = page.locator("#sources tr[data-source=\"" + s.source() + "\"]");
            assertThat(row.locator(".pending")).hasText(Long.toString(s.pending()));
            assertThat(row.locator(".processing")).hasText(Long.toString(s.processing()));
            assertThat(row.locator(".completed")).hasText(Long.toString(s.completedLast60m()));
            assertThat(row.locator(".failed")).hasText(Long.toString(s.failedLast60m()));
            assertThat(row.locator(".state .badge")).hasAttribute("title", s.describeState());
            assertThat(row.locator(".cap")).hasText(s.policy().concurrency().isPresent()
                    ? Integer.toString(s.policy().concurrency().getAsInt()) : "none");
            assertThat(row.locator(".pending")).hasText(Long.toString(pendingInDatabase(s.source())));
            assertThat(row.locator(".error")).hasText(s.lastError() == null ? "" : s.lastError());
        }
        Locator a = page.locator("#sources tr[data-source=registry-a]");
        assertThat(a.locator(".pending")).hasText("4");
        assertThat(a.locator(".processing")).hasText("1");
        assertThat(a.locator(".rate")).hasText("20/s burst 5");
        assertThat(a.locator(".p50")).not().hasText("—");
        assertThat(page.locator("#sources tr[data-source=registry-b] .state"))
                .hasText("paused registry maintenance until 14:00");
        assertThat(page.locator("#history tr[data-type=PAUSED] .actor")).hasText("ops-script");
        page.screenshot(new Page.ScreenshotOptions().setPath(IMAGES.resolve("dashboard-sources.png")).setFullPage(true));

        page.click("#sources tr[data-source=registry-a] a");
        assertThat(page.locator("#source-name")).hasText("registry-a");
        assertThat(page.locator("#pending")).hasText("4");
        assertThat(page.locator("#history tr[data-type=POLICY_CHANGED]")).containsText("concurrency=4");
    }

    @Test
    void pauseLimitAndResumeFromTheBrowserAreRecordedWithTheUser() {
        someSources();
        page.navigate(url("/sources/view?source=registry-a"));
        page.fill("#reason", "registry asked us to slow down");
        page.click("#pause");
        assertThat(page.locator("#done")).hasText("Paused.");
        assertThat(page.locator("#state")).hasText("paused registry asked us to slow down");
        assertThat(ops.source("registry-a").orElseThrow().state()).isEqualTo(SourceStatus.State.PAUSED);
        assertThat(lastEvent("registry-a")).satisfies(e -> {
            assertThat(e.type()).isEqualTo(SourceEvent.Type.PAUSED);
            assertThat(e.actor()).isEqualTo("dashboard:" + Users.OPERATOR);
            assertThat(e.message()).contains("registry asked us to slow down");
        });

        page.fill("#set-concurrency", "2");
        page.fill("#set-rate", "30/m");
        page.fill("#set-burst", "3");
        page.fill("#set-breaker", "off");
        page.click("#limit");
        assertThat(page.locator("#done")).containsText("Limit changed");
        assertThat(ops.sourcePolicy("registry-a")).hasValue(SourcePolicy.builder().concurrency(2)
                .rate(SourcePolicy.Rate.perMinute(30).withBurst(3)).breakerOff().build());
        assertThat(lastEvent("registry-a").type()).isEqualTo(SourceEvent.Type.POLICY_CHANGED);
        assertThat(lastEvent("registry-a").actor()).isEqualTo("dashboard:" + Users.OPERATOR);

        page.fill("#set-rate", "none");
        page.click("#limit");
        assertThat(page.locator("#done")).containsText("Limit changed"); // the page answered: the change is in
        assertThat(ops.sourcePolicy("registry-a").orElseThrow().rate()).isEmpty();
        assertThat(ops.sourcePolicy("registry-a").orElseThrow().concurrency()).hasValue(2); // an empty field keeps

        page.click("#resume");
        assertThat(page.locator("#done")).hasText("Resumed.");
        assertThat(ops.source("registry-a").orElseThrow().state()).isEqualTo(SourceStatus.State.CLOSED);
        assertThat(page.locator("#history tr[data-type=RESUMED] .actor")).hasText("dashboard:" + Users.OPERATOR);

        page.fill("#set-concurrency", "lots");
        page.click("#limit");
        assertThat(page.locator("#error")).hasText("concurrency must be a whole number 1-100000 or none but was 'lots'");
        watched.expectRefusal(400); // the refusal page itself
        assertThat(ops.sourcePolicy("registry-a").orElseThrow().concurrency()).hasValue(2);

        page.navigate(url("/sources"));
        page.fill("#pause-all-form input[name=reason]", "database failover");
        page.click("#pause-all");
        assertThat(page.locator("#done")).hasText("All sources paused.");
        assertThat(store.sources()).allSatisfy(s -> assertThat(s.state()).isEqualTo(SourceStatus.State.PAUSED));
        assertThat(lastEvent(null).source()).isEqualTo(SourceEvent.ALL_SOURCES);
        assertThat(lastEvent(null).actor()).isEqualTo("dashboard:" + Users.OPERATOR);
        page.click("#resume-all");
        assertThat(page.locator("#done")).hasText("All sources resumed.");
        assertThat(store.sources()).allSatisfy(s -> assertThat(s.state()).isEqualTo(SourceStatus.State.CLOSED));
    }

    @Test
    void aHostileSourceNameRendersInertAndCanStillBePaused() {
        String hostile = "<script>alert('s')</script>\"><img src=x onerror=alert(1)>\u202Egpj.exe";
        store.enqueue(NewJob.of(hostile, "h-1"));
        page.navigate(url("/sources"));
        Locator row = page.locator("#sources tbody tr");
        assertThat(row).hasCount(1);
        assertThat(row.locator("a")).hasText("<script>alert('s')</script>\"><img src=x onerror=alert(1)>[U+202E]gpj.exe");
        assertThat(page.locator("img")).hasCount(0);
        assertThat(page.locator("main script")).hasCount(0);
        row.locator("a").click();
        assertThat(page.locator("#source-name")).containsText("onerror=alert(1)>[U+202E]gpj.exe");
        assertThat(page.locator("img")).hasCount(0);
        page.fill("#reason", "<b>why</b>");
        page.click("#pause");
        assertThat(page.locator("#done")).hasText("Paused.");
        assertThat(page.locator("#state")).hasText("paused <b>why</b>");
        assertThat(page.locator("main b")).hasCount(0);
        assertThat(ops.source(hostile).orElseThrow().state()).isEqualTo(SourceStatus.State.PAUSED);
        page.navigate(url("/sources"));
        assertThat(page.locator("#history tr[data-type=PAUSED]")).containsText("[U+202E]gpj.exe");
        assertThat(page.locator("img")).hasCount(0);
        assertThat(page.locator("main b")).hasCount(0);
    }

    // ------------------------------------------------------------------ over HTTP: refusals and bad input

    @Test
    void everySourceActionIsRefusedWithoutTheRoleTheTokenOrTheOrigin() throws Exception {
        someSources();
        String token = csrf(ALICE);
        assertThat(token).isNotNull();
        assertThat(csrf(BOB)).as("no form for a reader").isNull();
        int events = store.sourceEvents(null, 100).size();
        String q = "?source=registry-a";
        String[][] actions = {{"/sources/pause" + q, "reason=r"}, {"/sources/resume" + q, ""},
            {"/sources/limit" + q, "concurrency=1"}, {"/sources/pause-all", "reason=r"}, {"/sources/resume-all", ""}};
        for (String[] a : actions) {
            String body = a[1].isEmpty() ? "" : a[1] + "&";
            assertThat(post(a[0], ALICE, origin(), a[1]).statusCode()).as(a[0] + " no token").isEqualTo(403);
            assertThat(post(a[0], ALICE, origin(), body + "csrf=" + token + "x").statusCode()).as(a[0] + " wrong token")
                    .isEqualTo(403);
            assertThat(post(a[0], ALICE, "http://evil.example", body + "csrf=" + token).statusCode())
                    .as(a[0] + " other origin").isEqualTo(403);
            assertThat(post(a[0], ALICE, null, body + "csrf=" + token).statusCode()).as(a[0] + " no origin")
                    .isEqualTo(403);
            HttpResponse<String> reader = post(a[0], BOB, origin(), body + "csrf=" + token);
            assertThat(reader.statusCode()).as(a[0] + " read-only").isEqualTo(403);
            assertThat(reader.body()).contains("OPERATOR role");
            assertThat(get(a[0], ALICE).statusCode()).as(a[0] + " GET").isEqualTo(405);
        }
        assertThat(store.sourceEvents(null, 100)).as("nothing changed").hasSize(events);
        assertThat(ops.sourcePolicy("registry-a").orElseThrow().concurrency()).hasValue(4);

        for (String[] a : actions) {
            String body = a[1].isEmpty() ? "" : a[1] + "&";
            assertThat(post(a[0], ALICE, origin(), body + "csrf=" + token).statusCode()).as(a[0]).isEqualTo(303);
        }
        assertThat(store.sourceEvents(null, 100)).hasSize(events + actions.length);
        assertThat(ops.sourcePolicy("registry-a").orElseThrow().concurrency()).hasValue(1);
    }

    @Test
    void badParametersGetA400NamingTheFieldAndTheValue() throws Exception {
        someSources();
        String token = "&csrf=" + csrf(ALICE);
        String limit = "/sources/limit?source=registry-a";
        String[][] cases = {
            {limit, "concurrency=abc", "concurrency must be a whole number 1-100000 or none but was 'abc'"},
            {limit, "concurrency=0", "concurrency must be a whole number 1-100000 or none but was '0'"},
            {limit, "rate=fast", "rate must be N/s, N/m or N/h (N 1-1000000) or none but was 'fast'"},
            {limit, "rate=0/s", "but was '0/s'"},
            {limit, "burst=-2", "burst must be a whole number 1-100000 but was '-2'"},
            {limit, "rate=none&burst=3", "burst needs a rate"},
            {limit, "breaker=never", "breaker must be a whole number 1-10000 or off but was 'never'"},
            {limit, "x=1", "give at least one of concurrency, rate, burst and breaker"},
            {"/sources/pause?source=registry-a", "reason=", "parameter reason is required"},
            {"/sources/pause?source=registry-a", "reason=" + "r".repeat(201), "reason must be at most 200"},
            {"/sources/pause-all", "reason=", "parameter reason is required"},
            {"/sources/resume", "x=1", "parameter source is required"}};
        for (String[] c : cases) {
            HttpResponse<String> r = post(c[0], ALICE, origin(), c[1] + token);
            assertThat(r.statusCode()).as(c[1]).isEqualTo(400);
            assertThat(r.body()).as(c[1]).contains(c[2].replace("'", "&#39;")).doesNotContain("Exception");
        }
        HttpResponse<String> unknown = post("/sources/pause?source=" + enc("<nobody>"), ALICE, origin(),
                "reason=r" + token);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no source &#39;&lt;nobody&gt;&#39; is known");
        assertThat(ops.source("<nobody>")).as("an action never creates a source").isEmpty();
        assertThat(get("/sources/view?source=" + enc("<nobody>"), ALICE).statusCode()).isEqualTo(404);
        assertThat(get("/sources/view", ALICE).statusCode()).isEqualTo(400);
        assertThat(ops.sourcePolicy("registry-a").orElseThrow().concurrency()).hasValue(4);
    }

    private static SourceEvent lastEvent(String source) {
        List<SourceEvent> events = store.sourceEvents(source, 100);
        assertThat(events).isNotEmpty();
        return events.get(events.size() - 1);
    }

    static String origin() {
        return "http://127.0.0.1:" + dashboard.port();
    }

    static String csrf(String authorization) throws Exception {
        Matcher m = CSRF.matcher(get("/sources/view?source=registry-a", authorization).body());
        return m.find() ? m.group(1) : null;
    }

    static HttpResponse<String> get(String path, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(dashboard.url().resolve(path)).header("Authorization", authorization)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String authorization, String origin, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(dashboard.url().resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
