package dev.docket.extractor.playwright;

import dev.docket.testing.FakeRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The slim form: without the driver-bundle artifact (Node.js binaries) on the class path, the extractor runs the
 * driver with a Node.js of the machine ({@code PLAYWRIGHT_NODEJS_PATH}) and installs only the driver's package.
 */
class SlimDependencyTest {
    @TempDir
    Path tmp;

    @Test
    void withoutDriverBundleTheDriverRunsOnTheMachinesNode() throws Exception {
        String env = System.getenv("PLAYWRIGHT_NODEJS_PATH");
        Path node = Path.of(env != null && !env.isBlank() ? env : "/usr/bin/node");
        assumeTrue(Files.isExecutable(node), "needs Node.js 20+ at PLAYWRIGHT_NODEJS_PATH or /usr/bin/node");

        List<String> full = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        assertThat(full).as("the test class path lists the jars").anyMatch(e -> e.contains("driver-bundle"));
        String slim = full.stream().filter(e -> !e.contains("driver-bundle")).collect(Collectors.joining(File.pathSeparator));
        Path driverDir = tmp.resolve("driver-slim");
        Path log = tmp.resolve("worker.log");

        try (FakeRegistry registry = new FakeRegistry()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process worker = new ProcessBuilder(java, "-Xmx256m", "-Djava.io.tmpdir=" + tmp, "-cp", slim,
                    WorkerMain.class.getName(), registry.base(), registry.hostAndPort(), driverDir.toString(), "finish",
                    node.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(worker.waitFor(120, TimeUnit.SECONDS)).as("worker finished").isTrue();
            assertThat(worker.exitValue()).as("worker output:%n%s", Files.readString(log)).isZero();
        }
        assertThat(Files.readString(log)).contains("DONE 2").contains("CLOSED");
        assertThat(driverDir.resolve("package").resolve("cli.js")).exists();
        assertThat(driverDir.resolve("node")).as("no bundled Node.js copied").doesNotExist();
    }
}
