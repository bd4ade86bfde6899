package dev.docket.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.LoadState;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import dev.docket.queue.Document;
import dev.docket.queue.FailureSnapshot;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobProgress;
import dev.docket.queue.JobStatus;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import dev.docket.queue.jdbc.PostgresDocumentSink;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.testing.DocketPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard in real Chromium against PostgreSQL: numbers, live updates, actions, hostile values, paging. */
class DashboardBrowserTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    /** Where the screenshots go: docs/images with -Ddocket.screenshots=../docs/images (the README's), else target. */
    static final Path IMAGES = Path.of(System.getProperty("docket.screenshots", "target/screenshots"))
            .toAbsolutePath().normalize();
    static PostgresJobStore store;
    static DocketDashboard dashboard;
    static Playwright playwright;
    static Browser browser;
    WatchedPage watched;
    Page page;

    @BeforeAll
    static void start() {
        store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).notifications(false).build();
        dashboard = DocketDashboard.builder(db.dataSource()).schema(db.schema()).port(0)
                .auth(Users.AUTH).refresh(Duration.ofSeconds(1)).start();
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

    static Map<JobStatus, Long> countsInDatabase() throws Exception {
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) {
            counts.put(s, 0L);
        }
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT status_id, count(*) FROM " + db.schema()
                        + ".extraction_queue GROUP BY status_id")) {
            while (rs.next()) {
                counts.put(JobStatus.fromCode(rs.getInt(1)), rs.getLong(2));
            }
        }
        return counts;
    }

    @Test
    void overviewShowsTheDatabasesCountsWithTheOldLabelsAndUpdatesThemWithoutAReload() throws Exception {
        for (int i = 0; i < 3; i++) {
            Fixtures.pending(store, "p-" + i);
        }
        Fixtures.completed(store, "c-1");
        Fixtures.failed(store, "f-1", "registry said 500");
        Job running = Fixtures.claimed(store, "r-1", Duration.ofMinutes(5));

        // its own dashboard: the shared one counted the jobs other tests truncated (it recounts every 5 minutes)
        try (DocketDashboard fresh = DocketDashboard.builder(db.dataSource()).schema(db.schema()).port(0)
                .auth(Users.AUTH).refresh(Duration.ofSeconds(1)).start()) {
            Response response = page.navigate(fresh.url().toString());
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers().get("content-security-policy")).contains("script-src 'self'")
                    .doesNotContain("unsafe-inline");
            assertThat(response.headers().get("x-frame-options")).isEqualTo("DENY");
            assertThat(response.headers().get("x-content-type-options")).isEqualTo("nosniff");
            for (Map.Entry<JobStatus, Long> e : countsInDatabase().entrySet()) {
                assertThat(page.locator("[data-count=" + e.getKey().name() + "]")).hasText(Long.toString(e.getValue()));
                assertThat(page.locator("a.status-" + e.getKey().name().toLowerCase()).locator(".label"))
                        .hasText(e.getKey().label());
            }
            assertThat(page.locator("#error-rate")).hasText("50.0 %");
            page.waitForSelector("#chart canvas");
            page.evaluate("() => { window.__notReloaded = true; }");
            String before = page.locator("#last-refresh").textContent();
            page.screenshot(new Page.ScreenshotOptions().setPath(IMAGES.resolve("dashboard-overview.png")).setFullPage(true));

            store.finish(running.lease(), JobOutcome.completed("{\"pages\":2}"));

            assertThat(page.locator("[data-count=COMPLETED]")).hasText("2");
            assertThat(page.locator("[data-count=PROCESSING]")).hasText("0");
            assertThat(page.locator("#last-refresh")).not().hasText(before);
            assertThat(page.evaluate("() => window.__notReloaded === true")).isEqualTo(true);
            page.navigate("about:blank"); // stop polling: a poll after close() would log ERR_CONNECTION_REFUSED
        }
    }

    @Test
    void workersViewShowsLivenessHeartbeatAndFigures() {
        store.heartbeat(dev.docket.queue.spi.WorkerHeartbeat.of("w-alive", List.of(), Duration.ofMinutes(1)));
        Map<String, Long> figures = new java.util.LinkedHashMap<>();
        figures.put("memory.limit.bytes", 2L * 1024 * 1024 * 1024);
        figures.put("memory.browser.0.bytes", 300L * 1024 * 1024);
        figures.put("processes.defunct", 1L);
        figures.put("slots.capacity", 4L);
        store.heartbeat(new WorkerHeartbeat(new WorkerInfo("w-browsers", "localhost", 42, WorkerState.RUNNING,
                Instant.EPOCH, null, 4, 0, 0, 0, null, figures), List.of(), Duration.ofMinutes(1)));
        page.navigate(url("/workers"));
        assertThat(page.locator("tr[data-worker=w-alive] .badge")).hasText("alive");
        assertThat(page.locator("tr[data-worker=w-alive] .figures")).hasCount(0);
        Locator shown = page.locator("tr[data-worker=w-browsers] .figures");
        assertThat(shown.locator("li[data-figure='memory.limit.bytes']")).hasText("memory.limit 2.0 GiB");
        assertThat(shown.locator("li[data-figure='memory.browser.0.bytes']")).hasText("memory.browser.0 300.0 MiB");
        assertThat(shown.locator("li[data-figure='processes.defunct']")).hasText("processes.defunct 1");
        assertThat(shown.locator("li[data-figure='slots.capacity']")).hasText("slots.capacity 4");
        page.screenshot(new Page.ScreenshotOptions().setPath(IMAGES.resolve("dashboard-workers.png")).setFullPage(true));
    }

    @Test
    void hostileJobFieldsRenderInert() {
        String script = "<script>alert('number')</script>";
        String img = "\"><img src=x onerror=alert('error')>";
        String rtl = "invoice\u202Efdp.exe";
        Job j = Fixtures.failed(store, script, img + " " + rtl);
        db.execute("UPDATE " + db.schema() + ".extraction_queue SET payload = '{\"link\": \"javascript:alert(1)\","
                + " \"html\": \"<svg onload=alert(2)>\"}'::jsonb, document_source = '" + rtl + "' WHERE id = " + j.id());

        page.navigate(url("/jobs"));
        assertThat(page.locator("tr[data-job=\"" + j.id() + "\"]")).containsText(script);
        page.navigate(url("/jobs/" + j.id()));
        assertThat(page.locator("#fields")).containsText(script);
        assertThat(page.locator("#last-error")).containsText("onerror=alert('error')");
        assertThat(page.locator("#last-error")).containsText("invoice[U+202E]fdp.exe");
        assertThat(page.locator("#payload")).containsText("\"link\": \"javascript:alert(1)\"");
        assertThat(page.locator("img")).hasCount(0);
        assertThat(page.locator("main script")).hasCount(0);
        assertThat(page.locator("a[href^='javascript:']")).hasCount(0);
        page.screenshot(new Page.ScreenshotOptions().setPath(IMAGES.resolve("dashboard-job.png")).setFullPage(true));
        page.navigate(url("/stuck"));
        page.navigate(url("/"));
        page.waitForLoadState(LoadState.NETWORKIDLE);
    }

    @Test
    void jobPageShowsProgressAndFailureSnapshotsInertWithDownloadsAsAttachments() throws Exception {
        String hostileStep = "<img src=x onerror=alert('step')>";
        String hostileError = "\"><script>alert('snapshot')</script> at https://registry.example/doc?token=s3cret";
        byte[] html = "<html><body><script>alert('saved page')</script><img src=x onerror=alert(3)></body></html>"
                .getBytes(StandardCharsets.UTF_8);
        Job job = Fixtures.claimed(store, "snap-1", Duration.ofMinutes(5));
        store.heartbeat(new WorkerHeartbeat(WorkerHeartbeat.of("w-test", List.of(job.lease()), Duration.ofMinutes(5))
                .worker(), List.of(job.lease()), Duration.ofMinutes(5),
                List.of(new JobProgress(job.id(), 1, "w-test", hostileStep, 0.4, null))));
        StoredDocument inDatabase = PostgresDocumentSink.builder(db.dataSource()).schema(db.schema()).build()
                .store(job, Document.of(html, "text/html"));
        StoredDocument elsewhere = new StoredDocument("s3://snapshots/" + job.id() + "-shot.png", "ab".repeat(32), 1234,
                "image/png");
        StoredDocument onDisk = new StoredDocument("file:/etc/passwd", "cd".repeat(32), 99, "application/json");
        store.recordEvent(job.id(), JobEventType.SNAPSHOT_SAVED, "w-test", new FailureSnapshot(1, "TRANSIENT",
                hostileError, List.of(new FailureSnapshot.File("screenshot", elsewhere),
                new FailureSnapshot.File("html", inDatabase), new FailureSnapshot.File("details", onDisk))).toMessage());
        store.recordEvent(job.id(), JobEventType.SNAPSHOT_SAVED, "w-other", "<b onclick=alert(4)>not a snapshot</b>");

        page.navigate(url("/jobs?status=PROCESSING"));
        Locator row = page.locator("tr[data-job=\"" + job.id() + "\"] td.progress");
        assertThat(row.locator(".step")).hasText(hostileStep);
        assertThat(row.locator("progress")).hasAttribute("value", "40");

        page.navigate(url("/jobs/" + job.id()));
        assertThat(page.locator("#progress .step")).hasText(hostileStep);
        assertThat(page.locator("#progress")).containsText("40 %");
        assertThat(page.locator("#progress")).containsText("attempt 1, worker w-test");
        assertThat(page.locator("#snapshots tr.snapshot")).hasCount(2);
        assertThat(page.locator("#snapshots tr.snapshot").nth(1)).containsText(
                "not a snapshot record this dashboard can read: <b onclick=alert(4)>not a snapshot</b>");
        assertThat(page.locator("main b")).hasCount(0);
        Locator snapshot = page.locator("#snapshots tr.snapshot").first();
        assertThat(snapshot).containsText("TRANSIENT");
        assertThat(snapshot.locator("td.error")).containsText("<script>alert('snapshot')</script>");
        assertThat(snapshot.locator("td.error")).not().containsText("s3cret");
        assertThat(snapshot.locator("li[data-role=screenshot]")).containsText(elsewhere.uri());
        assertThat(snapshot.locator("li[data-role=screenshot] a")).hasCount(0);
        assertThat(snapshot.locator("li[data-role=details]")).containsText("file:/etc/passwd");
        assertThat(snapshot.locator("li[data-role=details] a")).hasCount(0);
        assertThat(page.locator("img")).hasCount(0);
        assertThat(page.locator("main script")).hasCount(0);
        Locator link = snapshot.locator("li[data-role=html] a.snapshot-download");
        assertThat(link).hasAttribute("href", "/jobs/" + job.id() + "/snapshots/" + inDatabase.sha256());

        Download download = page.waitForDownload(link::click);
        assertThat(Files.readAllBytes(download.path())).isEqualTo(html);
        assertThat(download.suggestedFilename()).isEqualTo("job-" + job.id() + "-attempt-1-html.html");
        APIResponse r = page.request().get(url(link.getAttribute("href")));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("content-type")).isEqualTo("application/octet-stream");
        assertThat(r.headers().get("content-disposition")).startsWith("attachment;");
        assertThat(r.headers().get("x-content-type-options")).isEqualTo("nosniff");
        assertThat(r.body()).isEqualTo(html);
        assertThat(page.request().get(url("/jobs/" + job.id() + "/snapshots/" + elsewhere.sha256())).status())
                .as("a file outside the dashboard's database is not served").isEqualTo(404);
        assertThat(page.request().get(url("/jobs/" + job.id() + "/snapshots/" + onDisk.sha256())).status())
                .as("nor one on disk a row names").isEqualTo(404);
        watched.expectRefusal(404);
    }

    @Test
    void retryAndCancelFromTheBrowserAreRecordedWithTheUser() {
        Job failed = Fixtures.failed(store, "f-2", "gave up");
        Job pending = Fixtures.pending(store, "p-2");

        page.navigate(url("/jobs/" + failed.id()));
        page.click("#retry");
        assertThat(page.locator("#status")).hasText("PENDING");
        assertThat(page.locator("#done")).containsText("Retried");
        assertThat(lastEvent(failed.id())).satisfies(e -> {
            assertThat(e.type()).isEqualTo(JobEventType.RETRIED);
            assertThat(e.workerId()).isEqualTo("dashboard:" + Users.OPERATOR);
        });

        page.navigate(url("/jobs/" + pending.id()));
        page.click("#cancel");
        assertThat(page.locator("#status")).hasText("CANCELLED");
        assertThat(store.find(pending.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(lastEvent(pending.id()).workerId()).isEqualTo("dashboard:" + Users.OPERATOR);
    }

    @Test
    void resettingStuckJobsPreviewsFirstThenResetsWhatWasPreviewed() {
        Job stuck = Fixtures.claimed(store, "s-1", Duration.ofMillis(1));
        Job healthy = Fixtures.claimed(store, "s-2", Duration.ofMinutes(5));
        store.heartbeat(dev.docket.queue.spi.WorkerHeartbeat.of("w-test", List.of(healthy.lease()),
                Duration.ofMinutes(5))); // its worker is alive and renews only this lease
        Fixtures.failed(store, "f-3", "boom");
        Awaits.until(() -> !store.findStale(new dev.docket.queue.StaleCriteria(true, null, null), 10).isEmpty());

        page.navigate(url("/stuck"));
        assertThat(page.locator("#stale tr[data-job=\"" + stuck.id() + "\"]")).containsText("lease expired");
        assertThat(page.locator("#stale tr[data-job=\"" + healthy.id() + "\"]")).hasCount(0);
        page.screenshot(new Page.ScreenshotOptions().setPath(IMAGES.resolve("dashboard-stuck.png")).setFullPage(true));
        page.click("#preview-all");
        assertThat(page.locator("#summary")).containsText("1 job(s) would be reset: 1 to PENDING");
        assertThat(store.find(stuck.id()).orElseThrow().status()).as("a preview changes nothing")
                .isEqualTo(JobStatus.PROCESSING);
        page.click("#confirm");
        assertThat(page.locator("#done")).containsText("1 job(s) reset");
        assertThat(store.find(stuck.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
        assertThat(store.find(healthy.id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
        JobEvent reset = lastEvent(stuck.id());
        assertThat(reset.type()).isEqualTo(JobEventType.RESET);
        assertThat(reset.workerId()).isEqualTo("dashboard:" + Users.OPERATOR);
    }

    @Test
    void aConfirmAfterTheStuckJobsChangedResetsNothing() {
        Job stuck = Fixtures.claimed(store, "s-3", Duration.ofMillis(1));
        Awaits.until(() -> !store.findStale(new dev.docket.queue.StaleCriteria(true, null, null), 10).isEmpty());
        page.navigate(url("/stuck/preview"));
        Fixtures.claimed(store, "s-4", Duration.ofMillis(1)); // a second job becomes stuck after the preview
        Awaits.until(() -> store.findStale(new dev.docket.queue.StaleCriteria(true, null, null), 10).size() == 2);
        page.click("#confirm");
        assertThat(page.locator("#error")).containsText("changed since the preview");
        watched.expectRefusal(409); // the refusal page itself
        assertThat(store.find(stuck.id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
    }

    @Test
    void keysetPaginationIsStableWhileRowsChange() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            ids.add(Fixtures.pending(store, String.format("n-%03d", i)).id());
        }
        page.navigate(url("/jobs?status=PENDING"));
        List<Long> first = idsOnPage();
        assertThat(first).hasSize(50).isEqualTo(reversed(ids.subList(70, 120)));
        page.screenshot(new Page.ScreenshotOptions().setPath(IMAGES.resolve("dashboard-jobs.png")).setFullPage(true));
        for (int i = 0; i < 10; i++) {
            Fixtures.pending(store, "new-" + i); // newer rows arrive while the operator reads
        }
        store.cancel(ids.get(60), "test"); // and one on the next page leaves the filter
        follow("#older");
        List<Long> second = idsOnPage();
        List<Long> expected = new ArrayList<>(reversed(ids.subList(20, 70)));
        expected.remove(ids.get(60));
        expected.add(ids.get(19));
        assertThat(second).isEqualTo(expected);
        follow("#older");
        assertThat(idsOnPage()).isEqualTo(reversed(ids.subList(0, 19)));
        assertThat(page.locator("#older")).hasCount(0);
        follow("#newer");
        assertThat(idsOnPage()).isEqualTo(expected);
    }

    /**
     * Clicks a link and waits until the page it leads to has loaded: a click returns once the
     * navigation has committed, before the new page's rows are parsed, so reading them straight
     * after the click can see an empty table (it did, on CI).
     */
    private void follow(String selector) {
        String before = page.url();
        page.click(selector);
        page.waitForURL(u -> !u.equals(before));
        page.waitForLoadState(LoadState.LOAD);
    }

    private List<Long> idsOnPage() {
        List<Long> out = new ArrayList<>();
        for (String s : page.locator("#jobs tbody tr").evaluateAll("rows => rows.map(r => r.dataset.job)")
                .toString().replaceAll("[\\[\\] ]", "").split(",")) {
            if (!s.isEmpty()) {
                out.add(Long.parseLong(s));
            }
        }
        return out;
    }

    private static List<Long> reversed(List<Long> list) {
        List<Long> out = new ArrayList<>(list);
        java.util.Collections.reverse(out);
        return out;
    }

    private static JobEvent lastEvent(long id) {
        List<JobEvent> events = store.events(id);
        assertThat(events).isNotEmpty();
        return events.get(events.size() - 1);
    }
}
