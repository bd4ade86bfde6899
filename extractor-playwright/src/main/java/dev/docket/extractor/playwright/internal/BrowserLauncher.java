package dev.docket.extractor.playwright.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How {@link BrowserPool} launches one browser: the Node.js and driver it runs on, the chromium and its flags,
 * and the sandbox fallback (a launch that fails because of chromium's sandbox is retried once without it when
 * {@link ChromiumSandbox} allows).
 */
final class BrowserLauncher {
    private final Path node;
    private final Path packageDir;
    private final Path executable;
    private final boolean headless;
    private final ChromiumSandbox sandbox;
    private final List<String> extraArgs;
    private final Path tempRoot;
    private final Duration launchTimeout;

    BrowserLauncher(Path node, Path packageDir, Path executable, boolean headless, ChromiumSandbox sandbox,
                    List<String> extraArgs, Path tempRoot, Duration launchTimeout) {
        this.node = node;
        this.packageDir = packageDir;
        this.executable = executable;
        this.headless = headless;
        this.sandbox = sandbox;
        this.extraArgs = List.copyOf(extraArgs);
        this.tempRoot = tempRoot;
        this.launchTimeout = launchTimeout;
    }

    /** The configured chromium, or null for Playwright's own. */
    Path executable() {
        return executable;
    }

    BrowserProcess launch(int index) throws BrowserLaunchException {
        boolean withSandbox = sandbox.enabled();
        try {
            return BrowserProcess.launch(index, node, packageDir, executable, headless, withSandbox, extraArgs, tempRoot,
                    launchTimeout);
        } catch (BrowserLaunchException e) {
            if (withSandbox && ChromiumSandbox.isSandboxFailure(e.getMessage()) && sandbox.turnOffAfterFailure(e.getMessage())) {
                return BrowserProcess.launch(index, node, packageDir, executable, headless, false, extraArgs, tempRoot,
                        launchTimeout);
            }
            throw e;
        }
    }
}
