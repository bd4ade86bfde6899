package dev.docket.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real chromium: WorkerRuntime + InMemoryJobStore + PlaywrightExtractor (the
 * README's two flows) + FileSystemDocumentSink, against two fake registries on 127.0.0.1.
 */
class RegistryFlowsTest {
    @TempDir
    Path dir;
    HttpServer a;
    HttpServer b;
    final AtomicInteger logins = new AtomicInteger();

    static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    static void html(HttpExchange ex, String body) throws IOException {
        send(ex, 200, "text/html; charset=utf-8", ("<!doctype html><html><body>" + body + "</body></html>")
                .getBytes(StandardCharsets.UTF_8));
    }

    static byte[] pdf(String what) {
        return ("%PDF-1.4 " + what + "\n%%EOF\n").getBytes(StandardCharsets.US_ASCII);
    }

    @BeforeEach
    void registries() throws IOException {
        a = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        a.createContext("/search", ex -> html(ex, "<form action='/result'><select id='register' name='r'>"
                + "<option>RCS</option><option>RM</option></select><input id='number' name='n'>"
                + "<button type='submit'>Go</button></form>"));
        a.createContext("/result", ex -> {
            String q = ex.getRequestURI().getQuery();
            if (q.contains("n=404")) {
                html(ex, "<p class='no-results'>Nothing</p>");
            } else {
                html(ex, "<a class='document' href='/files/" + q.replaceAll(".*n=", "") + ".pdf'>PDF</a>");
            }
        });
        a.createContext("/files/", ex -> send(ex, 200, "application/pdf", pdf("A " + ex.getRequestURI().getPath())));
        a.start();

        b = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        b.createContext("/login", ex -> {
            if ("POST".equals(ex.getRequestMethod())) {
                logins.incrementAndGet();
                ex.getResponseHeaders().add("Set-Cookie", "session=ok; Path=/");
                ex.getResponseHeaders().add("Location", "/login");
                ex.sendResponseHeaders(303, -1);
                ex.close();
            } else if (String.valueOf(ex.getRequestHeaders().getFirst("Cookie")).contains("session=ok")) {
                html(ex, "<a id='logout' href='/logout'>logout</a>");
            } else {
                html(ex, "<form method='post' action='/login'><input id='user' name='u'><input id='password' name='p'>"
                        + "<button id='login' type='submit'>Login</button></form>");
            }
        });
        b.createContext("/acts/", ex -> {
            String n = ex.getRequestURI().getPath().substring("/acts/".length());
            if (n.equals("404")) {
                html(ex, "<p class='error-404'>no such act</p>");
            } else {
                html(ex, "<a class='pdf' href='/pdf/" + n + "'>download</a>");
            }
        });
        b.createContext("/pdf/", ex -> send(ex, 200, "application/pdf", pdf("B " + ex.getRequestURI().getPath())));
        b.start();
    }

    @AfterEach
    void stop() {
        a.stop(0);
        b.stop(0);
    }

    @Test
    void bothFlowsExtractTheirDocumentsUnderTheRuntime() throws Exception {
        String hostA = "127.0.0.1:" + a.getAddress().getPort();
        String hostB = "127.0.0.1:" + b.getAddress().getPort();
        InMemoryJobStore store = new InMemoryJobStore();
        Job a1 = store.enqueue(NewJob.of("registry-a", "111"));
        Job b1 = store.enqueue(NewJob.of("registry-b", "B-7"));
        Job b2 = store.enqueue(NewJob.of("registry-b", "B-8"));
        Job a404;
        Job b404;
        try (WorkerRuntime runtime = WorkerRuntime.builder(store,
                        RegistryFlows.extractor("http://" + hostA, hostA, "http://" + hostB, hostB))
                .config(WorkerConfig.builder().concurrency(1).jobTimeout(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100)).build())
                .documentSink(new FileSystemDocumentSink(dir))
                .start()) {
            Await.until("jobs reach their state", () -> store.stats().count(JobStatus.PENDING)
                    + store.stats().count(JobStatus.PROCESSING) == 0);
            // claims are fair across sources, so a failure (which recycles the session) would otherwise land
            // between B's two jobs in an order the test does not choose: the failing jobs come afterwards
            assertThat(logins.get()).as("the session stays logged in between jobs").isEqualTo(1);
            a404 = store.enqueue(NewJob.of("registry-a", "404"));
            b404 = store.enqueue(NewJob.of("registry-b", "404"));
            Await.until("failing jobs reach their state", () -> store.stats().count(JobStatus.PENDING)
                    + store.stats().count(JobStatus.PROCESSING) == 0);
        }
        assertThat(Files.readString(new FileSystemDocumentSink(dir).fileOf(store.find(a1.id()).orElseThrow()))).startsWith("%PDF-1.4 A /files/111.pdf");
        assertThat(Files.readString(new FileSystemDocumentSink(dir).fileOf(store.find(b1.id()).orElseThrow()))).startsWith("%PDF-1.4 B /pdf/B-7");
        assertThat(Files.readString(new FileSystemDocumentSink(dir).fileOf(store.find(b2.id()).orElseThrow()))).startsWith("%PDF-1.4 B /pdf/B-8");
        assertThat(store.find(a404.id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
        assertThat(store.find(b404.id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
        assertThat(store.find(b404.id()).orElseThrow().lastError()).contains("registry B has no act 404");
    }
}
