package dev.docket.extractor.playwright.internal.snapshot;

import com.microsoft.playwright.ConsoleMessage;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Response;
import dev.docket.queue.internal.Redaction;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one job's page did, gathered while the job runs: the main document's last HTTP status, URL and
 * {@code Retry-After} header, the console errors and uncaught page errors, and the requests the allow-list
 * blocked. Listens on the page from {@link #attach} to {@link #detach}; every list is bounded
 * ({@value #MAX_ENTRIES} entries of at most {@value #MAX_TEXT} characters, URLs with their query string redacted),
 * so a page that logs or requests without end cannot grow it. Thread-safe.
 */
public final class PageEvidence {
    /** Entries kept per list; later ones are only counted. */
    public static final int MAX_ENTRIES = 20;
    /** Longest text of one entry. */
    public static final int MAX_TEXT = 300;

    private final Page page;
    private final Consumer<Response> onResponse = this::response;
    private final Consumer<ConsoleMessage> onConsole = this::console;
    private final Consumer<String> onPageError = this::pageError;
    private final List<String> consoleErrors = new ArrayList<>();
    private final List<String> blocked = new ArrayList<>();
    private int consoleErrorCount;
    private int blockedCount;
    private volatile int mainStatus = -1;
    private volatile String mainUrl;
    private volatile String mainRetryAfter;
    private volatile String progress;

    private PageEvidence(Page page) {
        this.page = page;
    }

    /** Starts listening on {@code page} (null: a job without a page, nothing is listened to). */
    public static PageEvidence attach(Page page) {
        PageEvidence e = new PageEvidence(page);
        if (page != null) {
            page.onResponse(e.onResponse);
            page.onConsoleMessage(e.onConsole);
            page.onPageError(e.onPageError);
        }
        return e;
    }

    /** The page listened to, or null. */
    public Page page() {
        return page;
    }

    /** Stops listening (the page is reused by the next job). Never throws. */
    public void detach() {
        if (page == null) {
            return;
        }
        try {
            page.offResponse(onResponse);
            page.offConsoleMessage(onConsole);
            page.offPageError(onPageError);
        } catch (PlaywrightException e) {
            // the page is gone with its listeners
        }
    }

    private void response(Response r) {
        try {
            if (r.frame() == page.mainFrame() && r.request().isNavigationRequest()) {
                mainStatus = r.status();
                mainUrl = r.url();
                mainRetryAfter = r.headers().get("retry-after");
            }
        } catch (PlaywrightException e) {
            // a response of a frame that is gone: not the main document
        }
    }

    private void console(ConsoleMessage m) {
        if ("error".equals(m.type())) {
            add(consoleErrors, m.text(), true);
        }
    }

    private void pageError(String error) {
        add(consoleErrors, "uncaught: " + error, true);
    }

    /** Records a request the allow-list blocked. */
    public void blocked(String url) {
        add(blocked, url, false);
    }

    private synchronized void add(List<String> list, String text, boolean console) {
        if (console) {
            consoleErrorCount++;
        } else {
            blockedCount++;
        }
        if (list.size() < MAX_ENTRIES) {
            list.add(clean(text));
        }
    }

    /** {@code text} on one line, URLs redacted, cut to {@value #MAX_TEXT} characters. */
    static String clean(String text) {
        String t = Redaction.redactUrls(String.valueOf(text)).replaceAll("\\p{Cntrl}+", " ").strip();
        return t.length() <= MAX_TEXT ? t : t.substring(0, MAX_TEXT) + "...";
    }

    /** Remembers the job's latest progress, for the snapshot's details. */
    public void progress(String step, double fraction) {
        this.progress = clean(step) + " " + Math.round(fraction * 100) + "%";
    }

    /** The job's latest progress ({@code "download 75%"}), or null. */
    public String progress() {
        return progress;
    }

    /** The main document's last HTTP status, -1 before any. */
    public int mainStatus() {
        return mainStatus;
    }

    /** The main document's last URL (as received, not redacted), or null. */
    public String mainUrl() {
        return mainUrl;
    }

    /** The main document's last {@code Retry-After} header, or null. */
    public String mainRetryAfter() {
        return mainRetryAfter;
    }

    public synchronized List<String> consoleErrors() {
        return List.copyOf(consoleErrors);
    }

    public synchronized int consoleErrorCount() {
        return consoleErrorCount;
    }

    public synchronized List<String> blockedRequests() {
        return List.copyOf(blocked);
    }

    public synchronized int blockedCount() {
        return blockedCount;
    }
}
