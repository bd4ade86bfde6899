package dev.docket.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the recovery benchmark and the soak test rely on: on Linux {@code Process.destroyForcibly()}
 * is a SIGKILL (exit value 137, no shutdown hook runs) and a SIGTERM runs the shutdown hooks (143).
 */
class ChildJvmTest {
    @TempDir
    Path dir;

    @Test
    void destroyForciblyIsASigkillThatRunsNoShutdownHook() throws Exception {
        Path marker = dir.resolve("killed");
        ChildJvm child = ChildJvm.start("probe", HookProbe.class, List.of("-Xmx32m"), List.of(marker.toString()),
                Map.of(), null, null);
        awaitReady(child);
        child.process().destroyForcibly();
        assertThat(child.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.process().exitValue()).isEqualTo(ChildJvm.SIGKILL_EXIT);
        assertThat(marker).doesNotExist();
    }

    @Test
    void aSigtermRunsTheShutdownHooks() throws Exception {
        Path marker = dir.resolve("terminated");
        ChildJvm child = ChildJvm.start("probe", HookProbe.class, List.of("-Xmx32m"), List.of(marker.toString()),
                Map.of(), null, null);
        awaitReady(child);
        child.process().toHandle().destroy();
        assertThat(child.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.process().exitValue()).isEqualTo(ChildJvm.SIGTERM_EXIT);
        assertThat(Files.readString(marker)).isEqualTo("hook ran\n");
    }

    private static void awaitReady(ChildJvm child) {
        assertThat(Await.within(Duration.ofSeconds(60), () -> child.printed("READY") || !child.process().isAlive()))
                .as("child ready or gone within 60 s; output " + child.lines()).isTrue();
        assertThat(child.process().isAlive()).as("child alive; output " + child.lines()).isTrue();
        assertThat(child.printed("READY")).as("child ready; output " + child.lines()).isTrue();
    }
}
