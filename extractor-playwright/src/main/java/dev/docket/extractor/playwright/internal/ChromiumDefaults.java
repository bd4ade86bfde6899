package dev.docket.extractor.playwright.internal;

import dev.docket.extractor.playwright.PlaywrightConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine-dependent defaults of a {@link PlaywrightConfig}, decided when the extractor starts (the moment
 * where I/O is expected), not when the config is built: the chromium executable
 * ({@value PlaywrightConfig#DEFAULT_CHROMIUM_PATH_STRING} when executable, else Playwright's own), the driver
 * directory and the temp directory.
 */
public final class ChromiumDefaults {

    /**
     * What one start uses.
     *
     * @param executable      the chromium to launch, or null for Playwright's own
     * @param driverDirectory the driver directory (absolute)
     * @param tempDirectory   the directory of browser profiles (absolute)
     */
    public record Resolved(Path executable, Path driverDirectory, Path tempDirectory) {
    }

    private ChromiumDefaults() {
    }

    /** Resolves {@code config}'s unset paths on this machine, now. */
    public static Resolved resolve(PlaywrightConfig config) {
        Path executable = config.executablePath().orElse(null);
        if (executable == null && config.usesDefaultExecutable() && Files.isExecutable(PlaywrightConfig.DEFAULT_CHROMIUM_PATH)) {
            executable = PlaywrightConfig.DEFAULT_CHROMIUM_PATH;
        }
        Path driver = config.driverDirectory().orElseGet(DriverInstaller::defaultDriverDirectory).toAbsolutePath().normalize();
        Path temp = config.tempDirectory().orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"))).toAbsolutePath().normalize();
        return new Resolved(executable, driver, temp);
    }

    /** True when {@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD} asks not to download Playwright's chromium. */
    public static boolean skipBrowserDownload() {
        String skip = System.getenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD");
        return skip != null && !skip.equals("0") && !skip.equals("false");
    }

    /** What {@code start()} says when chromium cannot start: what was tried, the reason, how to fix it. */
    public static String launchFailure(Path executable, String reason) {
        return "cannot start chromium: tried " + (executable != null ? executable.toString()
                : "Playwright's own chromium, as none is configured and " + PlaywrightConfig.DEFAULT_CHROMIUM_PATH_STRING
                + " does not exist") + " (PlaywrightConfig.executablePath, environment variable "
                + PlaywrightConfig.ENV_CHROMIUM_PATH + "): " + reason + ". To fix: install chromium (Debian: "
                + "apt-get install chromium, which provides " + PlaywrightConfig.DEFAULT_CHROMIUM_PATH_STRING
                + "), or set " + PlaywrightConfig.ENV_CHROMIUM_PATH + " to a chromium or Chrome executable"
                + (executable != null ? ", or leave it unset on a machine without " + PlaywrightConfig.DEFAULT_CHROMIUM_PATH_STRING
                + " to use Playwright's own chromium (downloaded on first start, with internet access)"
                : "; Playwright's own chromium is downloaded on first start only with internet access");
    }
}
