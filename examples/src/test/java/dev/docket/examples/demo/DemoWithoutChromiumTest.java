package dev.docket.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command on a machine where chromium is not where it is said to be: the demo stops at once
 * with one message saying what to install or set, and exits non-zero (it used to wait for a browser for ten
 * minutes, printing a progress line every few seconds and the worker's retries).
 */
class DemoWithoutChromiumTest {
    @TempDir
    Path dir;

    @Test
    void theDemoStopsWithOneMessageSayingWhatToInstallOrSet() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path missing = dir.resolve("no-chromium-here");
        Map<String, String> env = Map.of("DOCKET_CHROMIUM_PATH", missing.toString(),
                "PLAYWRIGHT_DRIVER_DIR", Path.of("target", "playwright-driver").toAbsolutePath().toString());

        int status = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> DocketDemo.run(
                new String[] {"--jobs", "5", "--out", dir.resolve("out").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env, false));

        String errors = err.toString(StandardCharsets.UTF_8);
        String output = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as("exit status; stderr:%n%s%nstdout:%n%s", errors, output).isNotZero();
        assertThat(errors.lines().filter(l -> !l.isBlank())).as("one message").hasSize(1);
        assertThat(errors).startsWith("docket-demo: ").contains(missing.toString())
                .contains("apt-get install chromium").contains("DOCKET_CHROMIUM_PATH");
        assertThat(output).as("no progress lines or jobs: the demo did not start").doesNotContain("done |").doesNotContain("[docket] jobs");
    }
}
