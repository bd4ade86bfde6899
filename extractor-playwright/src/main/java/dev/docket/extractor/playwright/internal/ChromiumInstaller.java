package dev.docket.extractor.playwright.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code playwright install chromium} run by {@link DriverInstaller#installChromium}: started, watched for its
 * download to begin, bounded in time, stopped with the download process it forked, and its failure told in one
 * line (repeated failures at DEBUG).
 */
final class ChromiumInstaller {
    private static final Logger log = LoggerFactory.getLogger(DriverInstaller.class);
    /** How long {@code playwright install chromium} may take to start receiving chromium. */
    static final Duration DOWNLOAD_START_TIMEOUT = Duration.ofSeconds(15);
    /** How long installing Playwright's chromium may take. */
    static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    /** Why the last chromium install failed (null: it did not): repeated failures are logged at DEBUG. */
    private static volatile String lastChromiumFailure;

    private ChromiumInstaller() {
    }

    /**
     * Runs {@code <node> <cli.js> install chromium} with {@code env} added to its environment, bounded by
     * {@link #DOWNLOAD_START_TIMEOUT} and {@link #INSTALL_TIMEOUT}.
     *
     * @throws IOException with one line saying why (Playwright's own output is logged at DEBUG)
     */
    static void install(Path node, Path cliJs, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(node.toString(), cliJs.toString(),
                "install", "chromium").redirectErrorStream(true);
        pb.environment().putAll(env);
        if (lastChromiumFailure == null) {
            log.info("installing Playwright's chromium unless it is installed already (no executablePath configured and {} "
                    + "is missing)", "/usr/bin/chromium");
        } else {
            log.debug("installing Playwright's chromium again (the last attempt failed: {})", lastChromiumFailure);
        }
        Process p = pb.start();
        InstallOutput output = new InstallOutput(p.getInputStream());
        try {
            long t0 = System.nanoTime();
            while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
                long elapsed = System.nanoTime() - t0;
                if (!output.downloading && elapsed > DOWNLOAD_START_TIMEOUT.toNanos()) {
                    throw chromiumFailure(p, output, "the download did not start within " + DOWNLOAD_START_TIMEOUT.toSeconds()
                            + " s (no internet access? behind a proxy, set HTTPS_PROXY)");
                }
                if (elapsed > INSTALL_TIMEOUT.toNanos()) {
                    throw chromiumFailure(p, output, "the download took longer than " + INSTALL_TIMEOUT.toMinutes() + " minutes");
                }
            }
            output.finish();
            if (p.exitValue() != 0) {
                throw chromiumFailure(p, output, "playwright install chromium failed (exit code " + p.exitValue() + "): " + output.reason());
            }
            log.debug("playwright install chromium: {}", output.text());
            if (lastChromiumFailure != null) {
                log.info("installed Playwright's chromium (an earlier attempt had failed: {})", lastChromiumFailure);
            }
            lastChromiumFailure = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(p);
            throw new IOException("interrupted while installing Playwright's chromium", e);
        }
    }

    private static IOException chromiumFailure(Process p, InstallOutput output, String why) {
        stop(p);
        output.finish();
        log.debug("playwright install chromium: {}", output.text());
        lastChromiumFailure = why;
        return new IOException("could not download Playwright's chromium: " + why);
    }

    /** Stops the install and the download process it forked. */
    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The install's output, read by a {@code docket-playwright-install} thread: its last lines, and whether bytes arrive. */
    private static final class InstallOutput {
        private static final int MAX_LINES = 200;
        private static final Pattern ANSI = Pattern.compile("\\u001b\\[[0-9;]*[A-Za-z]");
        private static final Pattern PROGRESS = Pattern.compile("\\d+% of ");
        private final java.util.Deque<String> lines = new java.util.ArrayDeque<>();
        private final Thread reader;
        volatile boolean downloading;

        InstallOutput(InputStream in) {
            reader = new Thread(() -> read(in), "docket-playwright-install");
            reader.setDaemon(true);
            reader.start();
        }

        private void read(InputStream in) {
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String clean = ANSI.matcher(line).replaceAll("").strip();
                    if (PROGRESS.matcher(clean).find()) {
                        downloading = true;
                    }
                    synchronized (lines) {
                        if (lines.size() >= MAX_LINES) {
                            lines.removeFirst();
                        }
                        lines.addLast(clean);
                    }
                }
            } catch (IOException e) {
                log.debug("reading the output of playwright install chromium stopped: {}", e.toString());
            }
        }

        void finish() {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String text() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        /**
         * Playwright's reason, on one line: its last {@code Error:} line that is not one of its generic wrappers
         * ("Failed to download ...", "Download failure, code=1").
         */
        String reason() {
            String reason = null;
            String last = null;
            synchronized (lines) {
                for (String line : lines) {
                    if (line.isEmpty() || line.startsWith("at ")) {
                        continue;
                    }
                    last = line;
                    if (line.startsWith("Error:") && !line.startsWith("Error: Failed to") && !line.startsWith("Error: Download failure")) {
                        reason = line.substring("Error:".length()).strip();
                    }
                }
            }
            String r = reason != null ? reason : last != null ? last : "(no output)";
            return r.length() <= 300 ? r : r.substring(0, 300) + "...";
        }
    }
}
