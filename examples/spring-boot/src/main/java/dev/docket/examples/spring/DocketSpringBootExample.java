package dev.docket.examples.spring;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Extractor;
import dev.docket.queue.FileSystemDocumentSink;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * A Spring Boot service that works a Docket queue: {@code queue-spring-boot-starter} on the classpath, a
 * {@code DataSource} (spring.datasource.*), an {@link Extractor} bean, and {@link JobController} enqueueing through
 * the {@code JobQueue} bean. Health ({@code /actuator/health}, contributor {@code docket}), the diagnose snapshot
 * ({@code /actuator/docket}) and the {@code docket.*} meters come with the starter; on SIGTERM the worker stops
 * inside Spring's graceful shutdown. Settings: {@code application.properties}.
 */
@SpringBootApplication
public class DocketSpringBootExample {
    private static final Logger log = LoggerFactory.getLogger(DocketSpringBootExample.class);

    public static void main(String[] args) {
        SpringApplication.run(DocketSpringBootExample.class, args);
    }

    /**
     * The extractor: fetches {@code <example.registry-url>/<source>/<number>.pdf}. A 404 means the document does
     * not exist (failed at once); any other failure is retried.
     */
    @Bean
    Extractor registryExtractor(@Value("${example.registry-url}") URI registry) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return (job, context) -> {
            // job fields come from outside: each is one encoded path segment, never a path of its own
            URI uri = registry.resolve(segment(job.documentSource()) + "/" + segment(job.documentNumber()) + ".pdf");
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(context.remaining()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 404) {
                throw ExtractionException.permanent("document " + job.documentNumber() + " does not exist at " + uri);
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("registry answered " + response.statusCode() + " for " + uri);
            }
            return Document.of(response.body(), "application/pdf");
        };
    }

    private static String segment(String s) {
        String encoded = URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        return encoded.equals(".") || encoded.equals("..") ? encoded.replace(".", "%2E") : encoded;
    }

    /** Where documents go (a DocumentSink bean replaces the runtime's default): {@code example.documents}. */
    @Bean
    DocumentSink documents(@Value("${example.documents:docket-documents}") Path dir) {
        return new FileSystemDocumentSink(dir);
    }

    /** Prints how long the JVM took to get here (see docs/spring-boot.md, start-up time). */
    @EventListener(ApplicationReadyEvent.class)
    void ready() {
        log.info("startup-ms={}", ManagementFactory.getRuntimeMXBean().getUptime());
    }
}
