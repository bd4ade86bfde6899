package dev.docket.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.testing.Await;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the custom extractor example against a registry served on 127.0.0.1. */
class HttpRegistryExtractorTest {
    @TempDir
    Path dir;
    HttpServer server;
    final AtomicInteger flakyCalls = new AtomicInteger();

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/documents/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            int status;
            byte[] body;
            if (path.endsWith("/missing")) {
                status = 404;
                body = "not found".getBytes(StandardCharsets.UTF_8);
            } else if (path.endsWith("/flaky") && flakyCalls.incrementAndGet() == 1) {
                status = 503;
                body = "busy".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                body = ("%PDF-1.4 " + path).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/pdf");
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void extractsClassifiesAndRetries() throws Exception {
        InMemoryJobStore store = new InMemoryJobStore();
        Job ok = store.enqueue(NewJob.of("reg", "A-1"));
        Job missing = store.enqueue(NewJob.of("reg", "missing"));
        Job flaky = store.enqueue(NewJob.of("reg", "flaky"));
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        try (WorkerRuntime runtime = WorkerRuntime.builder(store, new HttpRegistryExtractor(base))
                .config(WorkerConfig.builder().concurrency(2).pollInterval(Duration.ofMillis(20))
                        .retryBackoff(Duration.ZERO, Duration.ZERO).build())
                .documentSink(new FileSystemDocumentSink(dir))
                .start()) {
            Await.until("jobs reach their state", () -> store.find(ok.id()).orElseThrow().status() == JobStatus.COMPLETED
                    && store.find(missing.id()).orElseThrow().status() == JobStatus.FAILED
                    && store.find(flaky.id()).orElseThrow().status() == JobStatus.COMPLETED);
        }
        assertThat(Files.readString(new FileSystemDocumentSink(dir).fileOf(store.find(ok.id()).orElseThrow()))).isEqualTo("%PDF-1.4 /documents/reg/A-1");
        assertThat(store.find(missing.id()).orElseThrow().lastError()).contains("does not exist");
        assertThat(store.find(missing.id()).orElseThrow().attempts()).isEqualTo(1);
        assertThat(store.find(flaky.id()).orElseThrow().attempts()).isEqualTo(2);
    }
}
