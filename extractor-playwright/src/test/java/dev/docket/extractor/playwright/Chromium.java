package dev.docket.extractor.playwright;

import dev.docket.queue.testing.Await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** Where the tests find chromium and the driver, and how they look at the processes the extractor started. */
final class Chromium {
    /** One driver directory for every test (and child JVM) of this module: installed once. */
    static final Path DRIVER_DIR = Path.of("target", "playwright-driver").toAbsolutePath();

    private Chromium() {
    }

    static Path executable() {
        String env = System.getenv("DOCKET_CHROMIUM_PATH");
        Path path = env != null && !env.isBlank() ? Path.of(env) : PlaywrightConfig.DEFAULT_CHROMIUM_PATH;
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("these tests need chromium: install the Debian package 'chromium' "
                    + "(apt-get install chromium) or set DOCKET_CHROMIUM_PATH; not found at " + path);
        }
        return path;
    }

    /** A config for tests: real chromium, the shared driver directory, profiles in {@code tmp}. */
    static PlaywrightConfig.Builder config(Path tmp) {
        return PlaywrightConfig.builder()
                .executablePath(executable())
                .driverDirectory(DRIVER_DIR)
                .tempDirectory(tmp)
                .actionTimeout(Duration.ofSeconds(5))
                .navigationTimeout(Duration.ofSeconds(10));
    }

    /** The main chromium processes (launched by this JVM's browser servers) with a profile under {@code tmp}. */
    static List<ProcessHandle> browsers(Path tmp) {
        // a child chromium is forking (zygote, helper) still shows its parent's command line until it execs: a
        // browser process is one whose parent is not itself a browser process (its parent is the browser server)
        return ProcessHandle.current().descendants()
                .filter(p -> isBrowserCommandLine(p, tmp))
                .filter(p -> p.parent().map(parent -> !isBrowserCommandLine(parent, tmp)).orElse(true))
                .collect(Collectors.toList());
    }

    private static boolean isBrowserCommandLine(ProcessHandle p, Path tmp) {
        return p.info().commandLine().map(c -> c.contains("--remote-debugging-pipe") && c.contains(tmp.toString())
                && !c.contains("--type=")).orElse(false);
    }

    /** Every live process whose command line mentions {@code tmp} (chromium and its helpers). */
    static List<ProcessHandle> processesUsing(Path tmp) {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(tmp.toString())).orElse(false))
                .collect(Collectors.toList());
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; true if it held. */
    static boolean await(Duration timeout, BooleanSupplier condition) {
        return Await.within(timeout, condition);
    }
}
