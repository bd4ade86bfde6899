package dev.docket.extractor.playwright;

import dev.docket.queue.Document;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * What a {@link RegistryFlow} gets besides its page: the job's deadline and cancellation, and helpers that
 * fetch document bytes safely. Valid only during one {@link RegistryFlow#run} call and only on its thread.
 *
 * <p>Every helper throws {@link dev.docket.queue.ExtractionException}: {@code PERMANENT} for a host outside
 * the source's allow-list, a document over {@link PlaywrightConfig#maxDownloadBytes()} (by its declared length,
 * or as soon as more bytes arrived: decoded bytes for a gzip or deflate body), an unexpected content type, a
 * {@code Content-Type} that is not a valid media type (control characters, no {@code type/subtype}), bytes
 * that are not what the declared type says (an HTML error page served as {@code application/pdf}: checked by
 * the signature of PDF, PNG, JPEG, GIF, TIFF, WebP, ZIP and Office/OpenDocument, OLE2, gzip and RTF files) or a
 * 404/410 answer; {@code THROTTLED} for a 429 or 503 answer (with the wait its {@code Retry-After} asks for, in
 * seconds or as an HTTP date, at most an hour; none when the header is missing or unreadable); {@code TRANSIENT} for
 * other failed answers, network errors, timeouts and a cancelled job.
 *
 * <p>A document's content type is the declared media type, lower-cased, with only its {@code charset}
 * parameter kept ({@code Application/PDF; name="x.pdf"} becomes {@code application/pdf}).
 */
public interface FlowContext {

    /** Time left before the job's deadline, never negative. */
    Duration remaining();

    /**
     * The time one step (a navigation, a wait for the result, a fetch) may take now:
     * {@code min(PlaywrightConfig.navigationTimeout(), remaining())}.
     */
    Duration stepTimeout();

    /** True once the runtime gave up on the job (timeout or shutdown). */
    boolean isCancelled();

    /**
     * Throws {@link dev.docket.queue.ExtractionException} when the flow must stop: {@code PERMANENT} when a
     * navigation to a host outside the allow-list was blocked, {@code THROTTLED} when the page's main document
     * answered HTTP 429 or 503 (the registry asks us to slow down; its {@code Retry-After} is honoured),
     * {@code TRANSIENT} when the job was cancelled or its deadline passed. Otherwise re-bounds the page's default timeouts to {@code min(configured,
     * remaining())}. Call it between the steps of a flow.
     */
    void checkpoint();

    /** The hosts this job may reach (see {@link PlaywrightConfig.Builder#allowHosts}). */
    Set<String> allowedHosts();

    /** Whether {@code url} is an http(s) URL on an allowed host. */
    boolean isAllowed(String url);

    /**
     * Fetches {@code url} with the session's cookies and user agent (from this JVM), following at most a few
     * redirects, each checked against the allow-list. A gzip or deflate body is decoded. Without a declared
     * content type, the type is sniffed from the first bytes.
     *
     * @param url                  absolute, or relative to the page's current URL
     * @param expectedContentTypes media types accepted (e.g. {@code application/pdf}), not empty
     * @return the document, with the content type the server declared
     */
    Document fetch(String url, Collection<String> expectedContentTypes);

    /**
     * Runs {@code trigger} (e.g. a click) and takes the browser download it starts. The content type is the
     * one the server declared for the download's response when seen, else sniffed from the first bytes
     * (PDF, PNG, JPEG, ZIP, ...), else {@code application/octet-stream}. The download is watched while it runs:
     * it is cancelled, and its partial file removed, as soon as it passes the size cap.
     *
     * @param trigger              the action that starts the download
     * @param expectedContentTypes media types accepted, not empty
     */
    Document download(Runnable trigger, Collection<String> expectedContentTypes);

    /** The slot this job runs in. */
    int slot();

    /** The job's attempt number (1 for the first claim). */
    int attempt();

    /**
     * Reports how far the job is ({@link dev.docket.queue.ExtractionContext#progress}): cheap, sent with the
     * worker's next heartbeat, and kept in a failure snapshot's details. Default: ignored.
     *
     * @throws IllegalArgumentException when {@code step} is blank or {@code fraction} is not between 0 and 1
     */
    default void progress(String step, double fraction) {
        dev.docket.queue.JobProgress.cleanStep(step);
        dev.docket.queue.JobProgress.checkFraction(fraction);
    }
}
