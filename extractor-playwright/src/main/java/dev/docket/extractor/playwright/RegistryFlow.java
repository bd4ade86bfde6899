package dev.docket.extractor.playwright;

import com.microsoft.playwright.Page;
import dev.docket.queue.Document;
import dev.docket.queue.Job;

/**
 * User code that fetches one document from one registry web site with a Playwright {@link Page}.
 *
 * <p>The page belongs to a browser session that the extractor may reuse for the next job of the same slot
 * (for up to {@link PlaywrightConfig#sessionTimeout()}; it is replaced after any error), so a flow should
 * start by navigating, not assume where the page is. Default timeouts of the page are already bounded by
 * the job's deadline; call {@link FlowContext#checkpoint()} between steps to stop early when the job was
 * cancelled and to re-bound them. Fetch the document's bytes with {@link FlowContext#fetch} or
 * {@link FlowContext#download}, which enforce the host allow-list, the size cap and the content types.
 *
 * <p>Errors: throw {@link dev.docket.queue.ExtractionException} with kind {@code PERMANENT} when retrying
 * cannot help (the registry says the document does not exist); anything else is retried
 * ({@code TRANSIENT}), except what the extractor itself recognises as a browser crash
 * ({@code INFRASTRUCTURE}) or a blocked navigation ({@code PERMANENT}).
 *
 * <p>Threading: one flow instance is called concurrently from several slots, each with its own page; keep
 * flows stateless (or thread-safe). The page, and everything obtained from it, must only be used on the
 * calling thread and only until {@code run} returns.
 */
@FunctionalInterface
public interface RegistryFlow {

    /**
     * Fetches the document of {@code job}.
     *
     * @param page    a page of this slot's browser session
     * @param job     the job (its {@code documentSource} and {@code documentNumber} say what to fetch)
     * @param context the job's deadline, cancellation and safe download helpers
     * @return the document, never {@code null}
     * @throws Exception as described above
     */
    Document run(Page page, Job job, FlowContext context) throws Exception;
}
