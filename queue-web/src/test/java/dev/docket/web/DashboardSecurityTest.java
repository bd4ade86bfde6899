package dev.docket.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.Document;
import dev.docket.queue.FailureSnapshot;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobStatus;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.testing.DocketPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every action is refused without the role, without or with a wrong CSRF token and from another Origin. */
class DashboardSecurityTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    static PostgresJobStore store;
    static DocketDashboard dashboard;
    static final HttpClient http = HttpClient.newHttpClient();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @BeforeAll
    static void start() {
        store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).notifications(false).build();
        dashboard = DocketDashboard.builder(db.dataSource()).schema(db.schema()).port(0).auth(Users.AUTH).start();
    }

    @AfterAll
    static void stop() {
        dashboard.close();
        store.close();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(dashboard.url().resolve(path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String authorization, String origin, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(dashboard.url().resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String ownOrigin() {
        return "http://127.0.0.1:" + dashboard.port();
    }

    static String csrfOf(String user, String password, long jobId) throws Exception {
        Matcher m = CSRF.matcher(get("/jobs/" + jobId, basic(user, password)).body());
        return m.find() ? m.group(1) : null;
    }

    @Test
    void anActionWorksOnlyWithTheRoleTheTokenAndTheOrigin() throws Exception {
        Job job = Fixtures.pending(store, "sec-1");
        String alice = basic(Users.OPERATOR, Users.OPERATOR_PASSWORD);
        String token = csrfOf(Users.OPERATOR, Users.OPERATOR_PASSWORD, job.id());
        assertThat(token).isNotNull();
        assertThat(csrfOf(Users.READER, Users.READER_PASSWORD, job.id())).as("no form for a reader").isNull();
        String path = "/jobs/" + job.id() + "/cancel";

        assertThat(post(path, alice, ownOrigin(), "").statusCode()).as("no token").isEqualTo(403);
        assertThat(post(path, alice, ownOrigin(), "csrf=" + token + "x").statusCode()).as("wrong token").isEqualTo(403);
        assertThat(post(path, alice, "http://evil.example", "csrf=" + token).statusCode()).as("other origin")
                .isEqualTo(403);
        assertThat(post(path, alice, null, "csrf=" + token).statusCode()).as("no origin").isEqualTo(403);
        HttpResponse<String> reader = post(path, basic(Users.READER, Users.READER_PASSWORD), ownOrigin(),
                "csrf=" + token);
        assertThat(reader.statusCode()).as("read-only user").isEqualTo(403);
        assertThat(reader.body()).contains("OPERATOR role");
        assertThat(post(path, basic(Users.OPERATOR, "wrong"), ownOrigin(), "csrf=" + token).statusCode())
                .as("wrong password").isEqualTo(401);
        assertThat(store.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
        assertThat(store.events(job.id())).isEmpty();

        HttpResponse<String> ok = post(path, alice, ownOrigin(), "csrf=" + token);
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(store.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    }

    @Test
    void everyPageNeedsSignInAndAGetCannotAct() throws Exception {
        Job job = Fixtures.pending(store, "sec-2");
        HttpResponse<String> anonymous = get("/", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Basic"));
        assertThat(get("/jobs/" + job.id() + "/cancel", basic(Users.OPERATOR, Users.OPERATOR_PASSWORD)).statusCode())
                .isEqualTo(405);
        assertThat(store.find(job.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void badParametersGetA400WithAMessageAndNoStackTrace() throws Exception {
        String alice = basic(Users.OPERATOR, Users.OPERATOR_PASSWORD);
        for (String path : new String[] {"/jobs?status=BOGUS", "/jobs?limit=100000", "/jobs?before=abc",
            "/jobs?from=yesterday", "/jobs/abc", "/?range=week", "/stuck?olderThan=soon", "/jobs?status=1&status=2",
            "/jobs?number=" + "x".repeat(3000)}) {
            HttpResponse<String> r = get(path, alice);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.body()).as(path).contains("<p class=\"error\" id=\"error\">").doesNotContain("Exception")
                    .doesNotContain("\tat ");
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).isPresent();
        }
        assertThat(get("/jobs/999999999", alice).statusCode()).isEqualTo(404);
        assertThat(get("/nowhere", alice).statusCode()).isEqualTo(404);
    }

    @Test
    void aStoredDocumentDownloadsAsAnAttachmentNeverAsAPage() throws Exception {
        byte[] html = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);
        Job job = Fixtures.claimed(store, "doc-1", java.time.Duration.ofMinutes(5));
        dev.docket.queue.jdbc.PostgresDocumentSink sink = dev.docket.queue.jdbc.PostgresDocumentSink
                .builder(db.dataSource()).schema(db.schema()).build();
        dev.docket.queue.StoredDocument stored = sink.store(job, dev.docket.queue.Document.of(html, "text/html"));
        store.finish(job.lease(), dev.docket.queue.spi.JobOutcome.completed(stored.toJson()));
        String alice = basic(Users.OPERATOR, Users.OPERATOR_PASSWORD);
        assertThat(get("/jobs/" + job.id(), alice).body()).contains("id=\"download\"");
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(dashboard.url().resolve("/jobs/" + job.id()
                + "/document")).header("Authorization", alice).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(html);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(r.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"job-" + job.id()
                + ".html\"");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void filesOfTheGivenDocumentDirectoryDownloadAndNoOtherPathIsRead(@TempDir Path tmp) throws Exception {
        Path documents = Files.createDirectory(tmp.resolve("documents"));
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        byte[] pdf = "%PDF-1.4 hostile".getBytes(StandardCharsets.UTF_8);
        Job job = Fixtures.claimed(store, "file-1", java.time.Duration.ofMinutes(5));
        StoredDocument inDirectory = new FileSystemDocumentSink(documents).store(job, Document.of(pdf, "application/pdf"));
        StoredDocument outside = new FileSystemDocumentSink(elsewhere).store(job, Document.of(pdf, "application/pdf"));
        Path link = documents.resolve(job.id() + "-00000000-0000-0000-0000-000000000001.pdf");
        Files.createSymbolicLink(link, Path.of(URI.create(outside.uri())));
        StoredDocument linked = new StoredDocument(link.toUri().toString(), "ef".repeat(32), pdf.length,
                "application/pdf");
        store.recordEvent(job.id(), JobEventType.SNAPSHOT_SAVED, "w-test", new FailureSnapshot(1, "PERMANENT", "gone",
                List.of(new FailureSnapshot.File("details", outside), new FailureSnapshot.File("html", linked)))
                .toMessage());
        store.finish(job.lease(), JobOutcome.completed(inDirectory.toJson()));
        String alice = basic(Users.OPERATOR, Users.OPERATOR_PASSWORD);
        try (DocketDashboard withFiles = DocketDashboard.builder(db.dataSource()).schema(db.schema()).port(0)
                .auth(Users.AUTH).documentDirectory(documents).start()) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(withFiles.url().resolve("/jobs/" + job.id()
                    + "/document")).header("Authorization", alice).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(pdf);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
            assertThat(r.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"job-"
                    + job.id() + ".pdf\"");
            String page = http.send(HttpRequest.newBuilder(withFiles.url().resolve("/jobs/" + job.id()))
                    .header("Authorization", alice).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains("id=\"download\"").contains(outside.uri()).doesNotContain("/snapshots/"
                    + outside.sha256());
            for (String sha : List.of(outside.sha256(), linked.sha256())) {
                assertThat(http.send(HttpRequest.newBuilder(withFiles.url().resolve("/jobs/" + job.id()
                        + "/snapshots/" + sha)).header("Authorization", alice).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).as(sha).isEqualTo(404);
            }
        }
        assertThat(get("/jobs/" + job.id(), alice).body()).as("without the directory: the reference only")
                .doesNotContain("id=\"download\"").contains(inDirectory.uri());
        assertThatThrownBy(() -> DocketDashboard.builder(db.dataSource()).documentDirectory(tmp.resolve("missing"))
                .port(0).start()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("documentDirectory must be an existing directory");
    }

    @Test
    void aDashboardWithoutSignInRefusesToListenBeyondLoopback() {
        assertThatThrownBy(() -> DocketDashboard.builder(db.dataSource()).schema(db.schema()).port(0).bind("0.0.0.0")
                .start()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a loopback address");
    }

    @Test
    void aDashboardWithoutSignInRefusesAForeignHostHeader() throws Exception {
        try (DocketDashboard open = DocketDashboard.builder(db.dataSource()).schema(db.schema()).port(0).start()) {
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(open.url()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("local · read-only");
            // a DNS-rebinding page would send its own host name; java.net.http does not let us set Host, so use a socket
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", open.port())) {
                s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 421");
            }
        }
    }

    @Test
    void bearerTokensAndPasswordHashesAreChecked() {
        DashboardAuth bearer = DashboardAuth.bearer("0123456789abcdef-token", DashboardRole.OPERATOR);
        assertThat(bearer.authenticate("Bearer 0123456789abcdef-token")).hasValueSatisfying(u -> assertThat(u.role())
                .isEqualTo(DashboardRole.OPERATOR));
        assertThat(bearer.authenticate("Bearer 0123456789abcdef-tokem")).isEmpty();
        assertThat(bearer.authenticate(null)).isEmpty();
        assertThatThrownBy(() -> DashboardAuth.bearer("short", DashboardRole.OPERATOR))
                .hasMessageContaining("at least 16 characters");
        assertThatThrownBy(() -> DashboardAuth.basic().user("carol", "plain-password", DashboardRole.OPERATOR))
                .hasMessageContaining("not a password");
    }
}
