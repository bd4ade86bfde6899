package dev.docket.examples;

import dev.docket.queue.Document;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Extractor;
import dev.docket.queue.ExtractorHealth;
import dev.docket.queue.Job;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A custom {@link Extractor} without a browser: the registry serves documents over plain HTTP at
 * {@code <base>/documents/<source>/<number>}. Shows the three error kinds and the deadline:
 * <ul>
 *   <li>404 → {@link ExtractionException#permanent(String)}: retrying cannot help;</li>
 *   <li>5xx, I/O errors, timeouts → transient: Docket retries with back-off;</li>
 *   <li>{@link #health()} down until {@link #start()} ran: Docket claims nothing before.</li>
 * </ul>
 * Each request is bounded by the job's remaining time and aborted when Docket cancels the job.
 */
public final class HttpRegistryExtractor implements Extractor {
    private final URI base;
    private volatile HttpClient client;

    public HttpRegistryExtractor(URI base) {
        this.base = base;
    }

    @Override
    public void start() {
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public ExtractorHealth health() {
        return client != null ? ExtractorHealth.healthy() : ExtractorHealth.down("not started");
    }

    @Override
    public Document extract(Job job, ExtractionContext context) throws Exception {
        URI uri = base.resolve("/documents/" + encode(job.documentSource()) + "/" + encode(job.documentNumber()));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(context.remaining()).GET().build();
        CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        context.onCancel(() -> call.cancel(true)); // Docket gave up on the job: stop waiting
        HttpResponse<byte[]> response;
        try {
            response = call.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw ExtractionException.transientFailure("registry unreachable: " + cause.getMessage(), cause);
            }
            throw e;
        }
        int status = response.statusCode();
        if (status == 404) {
            throw ExtractionException.permanent("document " + job.documentNumber() + " does not exist in "
                    + job.documentSource());
        }
        if (status != 200) {
            throw ExtractionException.transientFailure("registry answered HTTP " + status, null);
        }
        String declared = response.headers().firstValue("Content-Type").orElse("application/octet-stream");
        String type = declared.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!type.matches("[a-z0-9!#$&^_.+-]{1,64}/[a-z0-9!#$&^_.+-]{1,64}")) {
            // a server header is hostile input: never store what it says unchecked
            throw ExtractionException.permanent("the registry declared an invalid Content-Type for "
                    + job.documentNumber());
        }
        return Document.of(response.body(), type);
    }

    @Override
    public void close() {
        client = null;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
