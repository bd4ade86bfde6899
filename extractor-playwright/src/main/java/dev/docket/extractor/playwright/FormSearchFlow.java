package dev.docket.extractor.playwright;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.WaitForSelectorState;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Job;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A declarative {@link RegistryFlow} for the usual registry search form: open the start page, fill the
 * document number (and the registry / source field, if any), submit, then either find the result link and
 * fetch the document it points to, or find the "not found" marker and fail the job as permanent.
 *
 * <pre>{@code
 * RegistryFlow flow = FormSearchFlow.builder()
 *         .startUrl("https://registry.example.org/search")
 *         .numberField("#number")
 *         .submit("button[type=submit]")
 *         .resultLink("a.document")
 *         .notFound(".no-results")
 *         .expectedContentTypes("application/pdf")
 *         .build();
 * }</pre>
 *
 * <p>The document is fetched from the result link's {@code href} through the page's {@code APIRequestContext}
 * (same cookies as the session; each redirect hop checked against the allow-list); when the element has no
 * {@code href}, it is clicked and the browser download it starts is taken instead.
 *
 * <p>It reports its progress by itself ({@link FlowContext#progress}): {@code open} (0), {@code search} (0.25),
 * {@code result} (0.5), {@code download} (0.75). A registry that asks us to slow down fails the job as
 * {@code THROTTLED} (no attempt spent; the source waits): HTTP 429 or 503 for the search or result page (with its
 * {@code Retry-After}), or the {@link Builder#blockedPage blocked page} showing instead of the form or the result.
 *
 * <p>Thread-safe; one instance serves every slot (it only remembers which fields are {@code <select>}s).
 */
public final class FormSearchFlow implements RegistryFlow {
    /** Content types accepted when none are configured. */
    public static final List<String> DEFAULT_CONTENT_TYPES = List.of("application/pdf");
    /** How often a wait checks for cancellation and blocked navigations. */
    static final Duration POLL = Duration.ofMillis(250);

    private final String startUrl;
    private final String sourceField;
    private final String sourceValue;
    private final String numberField;
    private final String submit;
    private final String resultLink;
    private final String notFound;
    private final String blockedPage;
    private final List<String> expectedContentTypes;
    /** Per field selector: whether it is a {@code <select>} (learned from the page, forgotten after an error). */
    private final Map<String, Boolean> selectFields = new ConcurrentHashMap<>();

    private FormSearchFlow(Builder b) {
        this.startUrl = b.startUrl;
        this.sourceField = b.sourceField;
        this.sourceValue = b.sourceValue;
        this.numberField = b.numberField;
        this.submit = b.submit;
        this.resultLink = b.resultLink;
        this.notFound = b.notFound;
        this.blockedPage = b.blockedPage;
        this.expectedContentTypes = List.copyOf(b.expectedContentTypes);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Document run(Page page, Job job, FlowContext ctx) {
        ctx.checkpoint();
        ctx.progress("open", 0.0);
        String url = startUrl.replace("{source}", encode(job.documentSource())).replace("{number}", encode(job.documentNumber()));
        Response response = page.navigate(url);
        ctx.checkpoint(); // a 429 or 503 answer is THROTTLED here
        if (response != null && response.status() >= 400) {
            throw ExtractionException.transientFailure("job " + job.id() + ": the search page " + url + " answered HTTP "
                    + response.status(), null);
        }
        checkBlocked(page, job);
        ctx.progress("search", 0.25);
        if (sourceField != null) {
            fill(page, sourceField, sourceValue != null ? sourceValue : job.documentSource());
            ctx.checkpoint();
        }
        fill(page, numberField, job.documentNumber());
        ctx.checkpoint();
        page.locator(submit).first().click();

        Locator result = page.locator(resultLink).first();
        Locator missing = notFound != null ? page.locator(notFound).first() : null;
        Locator any = page.locator(resultLink);
        if (notFound != null) {
            any = any.or(page.locator(notFound));
        }
        if (blockedPage != null) {
            any = any.or(page.locator(blockedPage));
        }
        waitVisible(any.first(), ctx, job);
        checkBlocked(page, job);
        if (missing != null && missing.isVisible()) {
            throw ExtractionException.permanent("job " + job.id() + ": the registry has no document '" + job.documentNumber()
                    + "' for source '" + job.documentSource() + "' (it shows " + notFound + ")");
        }
        ctx.checkpoint();
        ctx.progress("result", 0.5);
        String href = result.getAttribute("href");
        ctx.progress("download", 0.75);
        if (href != null && !href.isBlank() && !href.trim().toLowerCase(Locale.ROOT).startsWith("javascript:")) {
            return ctx.fetch(href.trim(), expectedContentTypes);
        }
        return ctx.download(result::click, expectedContentTypes);
    }

    /** THROTTLED when the blocked page (if configured) shows. */
    private void checkBlocked(Page page, Job job) {
        if (blockedPage != null && page.locator(blockedPage).first().isVisible()) {
            throw ExtractionException.throttled(java.time.Duration.ZERO, "job " + job.id() + ": the registry shows its"
                    + " blocked page (" + blockedPage + ") for source '" + job.documentSource() + "'");
        }
    }

    /**
     * Waits for {@code locator} to be visible within the page's default timeout, in short steps so that a
     * cancellation or a blocked navigation stops the wait at once.
     */
    private static void waitVisible(Locator locator, FlowContext ctx, Job job) {
        long deadline = System.nanoTime() + ctx.stepTimeout().toNanos();
        while (true) {
            ctx.checkpoint();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw ExtractionException.transientFailure("job " + job.id() + ": neither a result nor a not-found marker appeared within "
                        + ctx.stepTimeout().toMillis() + " ms", null);
            }
            try {
                locator.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE)
                        .setTimeout(Math.max(1, Math.min(POLL.toMillis(), left / 1_000_000))));
                return;
            } catch (TimeoutError e) {
                // not yet: check for cancellation and blocked navigations, then wait again
            }
        }
    }

    private void fill(Page page, String selector, String value) {
        Locator field = page.locator(selector).first();
        Boolean select = selectFields.get(selector);
        if (select == null) {
            // asked once per field (one call to the page), then remembered: a form's fields keep their kind
            select = String.valueOf(field.evaluate("e => e.tagName")).equalsIgnoreCase("select");
            selectFields.put(selector, select);
        }
        try {
            if (select) {
                field.selectOption(value);
            } else {
                field.fill(value);
            }
        } catch (PlaywrightException e) {
            selectFields.remove(selector); // the page changed: ask again next time
            throw e;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "FormSearchFlow{" + startUrl + ", number=" + numberField + ", submit=" + submit + ", result=" + resultLink
 + (notFound != null ? ", notFound=" + notFound : "")
                + (blockedPage != null ? ", blockedPage=" + blockedPage : "") + ", types=" + expectedContentTypes + "}";
    }

    /** Builds a {@link FormSearchFlow}; {@code build()} validates. Not thread-safe. */
    public static final class Builder {
        private String startUrl;
        private String sourceField;
        private String sourceValue;
        private String numberField;
        private String submit;
        private String resultLink;
        private String notFound;
        private String blockedPage;
        private List<String> expectedContentTypes = new ArrayList<>(DEFAULT_CONTENT_TYPES);

        private Builder() {
        }

        /**
         * The search page (http or https). {@code {source}} and {@code {number}} are replaced by the job's
         * URL-encoded document source and number.
         */
        public Builder startUrl(String startUrl) {
            this.startUrl = startUrl;
            return this;
        }

        /** Optional: the field (input or select) that takes the registry/source; filled with the job's source. */
        public Builder sourceField(String selector) {
            this.sourceField = selector;
            return this;
        }

        /** Optional: a fixed value for {@link #sourceField} instead of the job's document source. */
        public Builder sourceValue(String value) {
            this.sourceValue = value;
            return this;
        }

        /** The field (input or select) that takes the document number. Required. */
        public Builder numberField(String selector) {
            this.numberField = selector;
            return this;
        }

        /** What to click to search. Required. */
        public Builder submit(String selector) {
            this.submit = selector;
            return this;
        }

        /** The link (or button) to the document on the result page. Required. */
        public Builder resultLink(String selector) {
            this.resultLink = selector;
            return this;
        }

        /** Optional: an element that shows when the registry has no such document (the job then fails as permanent). */
        public Builder notFound(String selector) {
            this.notFound = selector;
            return this;
        }

        /**
         * Optional: an element the registry shows instead of the form or the result when it blocks us (a "too many
         * requests" notice, a captcha). Seen, it fails the job as {@code THROTTLED}, like an HTTP 429: no attempt is
         * spent and the source is slowed down.
         */
        public Builder blockedPage(String selector) {
            this.blockedPage = selector;
            return this;
        }

        /** Media types the document may have (default {@code application/pdf}). */
        public Builder expectedContentTypes(String... types) {
            this.expectedContentTypes = new ArrayList<>(Arrays.asList(Objects.requireNonNull(types, "expectedContentTypes")));
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the field and the bad value
         */
        public FormSearchFlow build() {
            if (startUrl == null || !(startUrl.startsWith("http://") || startUrl.startsWith("https://"))) {
                throw new IllegalArgumentException("startUrl must be an http(s) URL but was '" + startUrl + "'");
            }
            required("numberField", numberField);
            required("submit", submit);
            required("resultLink", resultLink);
            optional("sourceField", sourceField);
            optional("notFound", notFound);
            optional("blockedPage", blockedPage);
            if (sourceValue != null && sourceField == null) {
                throw new IllegalArgumentException("sourceValue is set ('" + sourceValue + "') but sourceField is not");
            }
            if (expectedContentTypes.isEmpty()) {
                throw new IllegalArgumentException("expectedContentTypes must not be empty but was " + expectedContentTypes);
            }
            for (String t : expectedContentTypes) {
                if (t == null || t.isBlank() || !t.contains("/")) {
                    throw new IllegalArgumentException("expectedContentTypes must hold media types like 'application/pdf' but had '" + t + "'");
                }
            }
            return new FormSearchFlow(this);
        }

        private static void required(String field, String selector) {
            if (selector == null || selector.isBlank()) {
                throw new IllegalArgumentException(field + " must be a selector but was '" + selector + "'");
            }
        }

        private static void optional(String field, String selector) {
            if (selector != null && selector.isBlank()) {
                throw new IllegalArgumentException(field + " must be a selector or unset but was '" + selector + "'");
            }
        }
    }
}
