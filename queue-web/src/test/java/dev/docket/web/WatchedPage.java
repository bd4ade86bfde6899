package dev.docket.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.List;

/** A page signed in as a user that records every dialog and console error; closing asserts there were none. */
final class WatchedPage implements AutoCloseable {
    final BrowserContext context;
    final Page page;
    final List<String> dialogs = new ArrayList<>();
    final List<String> consoleErrors = new ArrayList<>();

    WatchedPage(Browser browser, String user, String password) {
        context = browser.newContext(new Browser.NewContextOptions().setHttpCredentials(user, password)
                .setViewportSize(1280, 900));
        page = context.newPage();
        page.onDialog(d -> {
            dialogs.add(d.type() + ": " + d.message());
            d.dismiss();
        });
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                consoleErrors.add(m.text());
            }
        });
        page.onPageError(e -> consoleErrors.add("page error: " + e));
    }

    /** Forgets the console errors of a refusal page the test asked for (e.g. "status of 400"). */
    void expectRefusal(int status) {
        consoleErrors.removeIf(e -> e.contains("status of " + status));
    }

    @Override
    public void close() {
        context.close();
        assertThat(dialogs).as("dialogs opened by a script").isEmpty();
        assertThat(consoleErrors).as("console errors (CSP violations included)").isEmpty();
    }
}
