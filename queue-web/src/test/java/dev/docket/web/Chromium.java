package dev.docket.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The system chromium through Playwright (no browser download: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1). */
final class Chromium {
    private Chromium() {
    }

    static Path executable() {
        String env = System.getenv("DOCKET_CHROMIUM_PATH");
        Path path = Path.of(env != null && !env.isBlank() ? env : "/usr/bin/chromium");
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("these tests need chromium: install the Debian package 'chromium' or set"
                    + " DOCKET_CHROMIUM_PATH; not found at " + path);
        }
        return path;
    }

    static Playwright playwright() {
        return Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    static Browser launch(Playwright pw) {
        return pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(executable()).setHeadless(true));
    }
}
