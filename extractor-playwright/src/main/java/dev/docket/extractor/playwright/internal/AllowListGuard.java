package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Frame;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * What the allow-list's blocking proxy stopped, seen from the page: the browser's network stack already blocks
 * every host off the list ({@link BlockingProxy}, with the list as the proxy's bypass list); this guard records
 * the blocked requests on the running {@link JobRun} ({@link JobRun#blocked}), so that a main-frame navigation
 * elsewhere fails the job as permanent. Installed on each new context and page of a {@link BrowserSession}; the
 * hooks run on the slot's thread (Playwright dispatches events while the slot waits for the browser).
 */
final class AllowListGuard {
    private static final Logger log = LoggerFactory.getLogger(AllowListGuard.class);

    private final int slot;
    private final Supplier<JobRun> current;

    /** @param current the job running on the slot, or null between jobs */
    AllowListGuard(int slot, Supplier<JobRun> current) {
        this.slot = slot;
        this.current = current;
    }

    /** Hooks the guard into a new context (before its first page opens). */
    void watch(BrowserContext context) {
        context.onRequestFailed(this::onRequestFailed);
    }

    /** Hooks the guard into the session's page. */
    void watch(Page page) {
        page.onFrameNavigated(this::onFrameNavigated);
    }

    void onFrameNavigated(Frame frame) {
        JobRun run = current.get();
        if (run != null && frame.parentFrame() == null && !frame.url().startsWith("chrome-error:")
                && !run.allowList.allows(frame.url())) {
            run.blocked(frame.url(), true);
        }
    }

    void onRequestFailed(Request request) {
        JobRun run = current.get();
        if (run == null) {
            return;
        }
        try {
            if (!run.allowList.allows(request.url())) {
                run.blocked(request.url(), isMainFrameNavigation(request));
            }
        } catch (PlaywrightException e) {
            log.debug("slot {}: inspecting a failed request failed: {}", slot, PlaywrightErrors.firstLine(e.getMessage()));
        }
    }

    static boolean isMainFrameNavigation(Request request) {
        try {
            return request.isNavigationRequest() && request.frame().parentFrame() == null;
        } catch (PlaywrightException e) {
            return false; // service worker requests have no frame
        }
    }
}
