package dev.docket.extractor.playwright.internal;

import dev.docket.queue.testing.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ReapingTest {

    @Test
    void aChildThatLeavesAZombieIsCountedAsDefunctBelowThisJvm() throws Exception {
        ProcFs proc = ProcFs.system();
        assumeTrue(proc.readable(), "needs /proc");
        long self = ProcessHandle.current().pid();
        int before = ProcFs.defunctBelow(proc.table(), self);
        // the shell starts 'true' in the background, then becomes 'sleep', which never reaps it: a zombie below us
        Process child = new ProcessBuilder("sh", "-c", "true & exec sleep 60").start();
        try {
            assertThat(Await.within(Duration.ofSeconds(10), () -> ProcFs.defunctBelow(proc.table(), self) > before))
                    .as("the zombie is seen").isTrue();
            assertThat(Reaping.defunct(proc.table(), self)).isGreaterThan(before);
            assertThat(ProcFs.tree(proc.table(), self)).contains(child.pid());
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        // its parent gone, the zombie is re-parented and reaped by PID 1 (here an init that reaps)
        assertThat(Await.within(Duration.ofSeconds(10), () -> ProcFs.defunctBelow(proc.table(), self) <= before)).isTrue();
    }

    @Test
    void aJvmRunningAsPid1OrUnderAnUnknownPid1IsAProblemAndKnownInitsAreNot() {
        assertThat(Reaping.problem(1, "java")).contains("PID 1").contains("zombie");
        assertThat(Reaping.problem(42, "java")).contains("PID 1 is 'java'");
        assertThat(Reaping.problem(42, "tini")).isNull();
        assertThat(Reaping.problem(42, "docker-init")).isNull();
        assertThat(Reaping.problem(42, null)).isNull();
        assertThat(Reaping.FIX).contains("docker run --init").contains("tini");
    }
}
