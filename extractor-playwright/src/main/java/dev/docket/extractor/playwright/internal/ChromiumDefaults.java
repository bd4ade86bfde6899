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
}
