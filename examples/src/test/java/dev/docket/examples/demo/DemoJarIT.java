package dev.docket.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, run as a user runs it: {@code java -jar examples/target/docket-demo.jar}
 * (built by the package phase; this runs in the integration-test phase of {@code mvn verify}).
 */
class DemoJarIT {
    @TempDir
    Path dir;

    String run(String... args) throws IOException, InterruptedException {
        Process p = start(Map.of(), args);
        boolean exited = p.waitFor(8, TimeUnit.MINUTES);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("demo.log"));
        assertThat(exited).as("demo finished; output:%n%s", out).isTrue();
        assertThat(p.exitValue()).as("demo exit status; output:%n%s", out).isZero();
        return out;
    }

    Process start(Map<String, String> env, String... args) throws IOException {
        Path jar = Path.of("target", "docket-demo.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--out", dir.resolve("out").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("demo.log").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void withoutChromiumTheDemoStopsAtOnceSayingWhatToInstallOrSet() throws Exception {
        Path missing = dir.resolve("no-chromium-here");
        Process p = start(Map.of("DOCKET_CHROMIUM_PATH", missing.toString()));
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("demo.log"));
        assertThat(exited).as("demo stopped within 30 s; output:%n%s", out).isTrue();
        assertThat(p.exitValue()).as("demo exit status; output:%n%s", out).isNotZero();
        assertThat(out.lines().filter(l -> l.startsWith("docket-demo: "))).as("one message; output:%n%s", out).hasSize(1);
        assertThat(out).contains("apt-get install chromium").contains("DOCKET_CHROMIUM_PATH").contains(missing.toString())
                .as("no stack trace, no progress lines").doesNotContain("\tat ").doesNotContain("done |");
    }

    @Test
    void theDemoExtractsEveryDocumentAndSaysSo() throws Exception {
        String out = run("--jobs", "20", "--dashboard");
        assertThat(out)
                .containsPattern("\\[docket\\] dashboard http://127\\.0\\.0\\.1:[0-9]+/")
                .contains("jobs 20: completed 18, failed 2 (expected 2: documents that do not exist), pending 0, processing 0")
                .contains("documents verified 18/18")
                .contains("== diagnose")
                .contains("RESULT: OK");
        try (var files = Files.list(dir.resolve("out"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".pdf")).count()).isEqualTo(18);
        }
    }

    @Test
    void underChaosEveryFaultIsRecoveredAndNothingIsLost() throws Exception {
        String out = run("--jobs", "20", "--chaos");
        assertThat(out)
                .contains("jobs 20: completed 18, failed 2")
                .contains("documents verified 18/18")
                .containsPattern("page hang: .* timed out after \\d+s and was retried → COMPLETED")
                .containsPattern("abandoned worker: demo-abandoned stopped answering .* reset them .*COMPLETED")
                .contains("RESULT: OK");
        assertThat(out).containsPattern("browser crash: (killed chromium|not injected)");
    }
}
