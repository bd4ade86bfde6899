package dev.docket.extractor.playwright;

import dev.docket.testing.FakeRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker JVM killed with SIGKILL while working, restarted five times, leaves no driver copy, browser profile or
 * browser process behind in its temp directory: chromium dies with the JVM (its lifeline pipe closes), and the
 * next start removes what the dead process left.
 */
class WorkerCrashTest {
    private static final int KILLS = 5;

    @TempDir
    Path tmp;

    @Test
    void aWorkerKilledWithSigkillFiveTimesLeavesNothingBehind() throws Exception {
        Path logs = Path.of("target", "worker-crash-logs").toAbsolutePath();
        Files.createDirectories(logs);
        try (FakeRegistry registry = new FakeRegistry()) {
            for (int run = 1; run <= KILLS; run++) {
                Process worker = startWorker(registry, "forever", logs.resolve("run-" + run + ".log"));
                try {
                    awaitLine(worker, "DONE 1", Duration.ofSeconds(60));
                    assertThat(Chromium.processesUsing(tmp)).as("run %d has chromium running in %s", run, tmp).isNotEmpty();
                } finally {
                    worker.destroyForcibly(); // SIGKILL
                    assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
                assertThat(worker.exitValue()).isEqualTo(137);
                int r = run;
                assertThat(Chromium.await(Duration.ofSeconds(15), () -> Chromium.processesUsing(tmp).isEmpty()))
                        .as("run %d: chromium and the driver exit with the killed JVM: %s", r, Chromium.processesUsing(tmp))
                        .isTrue();
            }
            Process last = startWorker(registry, "finish", logs.resolve("run-last.log"));
            awaitLine(last, "CLOSED", Duration.ofSeconds(60));
            assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(last.exitValue()).isZero();
        }
        try (Stream<Path> left = Files.list(tmp)) {
            List<String> names = left.map(p -> p.getFileName().toString()).collect(Collectors.toList());
            assertThat(names).as("left in the worker's temp directory")
                    .noneMatch(n -> n.startsWith("playwright") || n.startsWith("docket-"));
        }
        assertThat(Chromium.processesUsing(tmp)).isEmpty();
    }

    private Process startWorker(FakeRegistry registry, String mode, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                registry.base(), registry.hostAndPort(), Chromium.DRIVER_DIR.toString(), mode));
        return new ProcessBuilder(command).redirectError(log.toFile()).start();
    }

    /** Reads the worker's output until {@code line}; fails on timeout or exit. */
    private static void awaitLine(Process worker, String line, Duration timeout) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.equals(line)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("worker printed %s", line).isTrue();
    }
}
