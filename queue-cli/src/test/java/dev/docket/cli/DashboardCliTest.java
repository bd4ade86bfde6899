package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.testing.Await;
import dev.docket.testing.DocketPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DashboardCliTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    private static final Pattern URL = Pattern.compile("Docket dashboard at (http://\\S+/)");

    @Test
    void servesTheDashboardUntilInterruptedAndReadOnlyRefusesActions() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        AtomicInteger exit = new AtomicInteger(-1);
        Thread cli = new Thread(() -> exit.set(DocketCli.run(new String[] {"dashboard", "--port", "0", "--read-only"},
                ps, ps, CliRunner.on(db).env())), "cli-dashboard");
        cli.start();
        assertThat(Await.within(Duration.ofSeconds(20), () -> URL.matcher(out.toString(StandardCharsets.UTF_8)).find()))
                .as(out.toString(StandardCharsets.UTF_8)).isTrue();
        Matcher m = URL.matcher(out.toString(StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        URI url = URI.create(m.group(1));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(url.resolve("/jobs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("read-only");
        HttpResponse<String> action = http.send(HttpRequest.newBuilder(url.resolve("/stuck/reset"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", url.toString()
                        .replaceAll("/$", "")).POST(HttpRequest.BodyPublishers.ofString("fingerprint=x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(action.statusCode()).isEqualTo(403);
        cli.interrupt();
        cli.join(10_000);
        assertThat(exit.get()).isZero();
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken() {
        CliRunner.Run run = CliRunner.on(db).run("dashboard", "--port", "0", "--bind", "0.0.0.0");
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("not a loopback address");
    }
}
