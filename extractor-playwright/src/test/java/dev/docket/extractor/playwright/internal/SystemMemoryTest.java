package dev.docket.extractor.playwright.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SystemMemoryTest {
    private static final long MIB = 1024L * 1024;

    @TempDir
    Path tmp;

    /** A fake /proc for pid 7 in cgroup {@code path}, and the cgroup file system mounted at tmp/cg. */
    private Path fakeProc(String cgroupLine, String mountLine) throws IOException {
        Path proc = tmp.resolve("proc");
        Files.createDirectories(proc.resolve("7"));
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("7/cgroup"), cgroupLine + "\n");
        Files.writeString(proc.resolve("self/mountinfo"), "22 1 0:20 / / rw - ext4 /dev/sda1 rw\n" + mountLine + "\n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal:       16384000 kB\nMemFree:  1 kB\n");
        return proc;
    }

    @Test
    void cgroupV2TheLowestLimitUpToTheMountAndTheWorkingSetWithoutInactiveFileCache() throws IOException {
        Path cg = tmp.resolve("cg");
        Path dir = Files.createDirectories(cg.resolve("docker/abc"));
        Files.writeString(cg.resolve("docker/memory.max"), "2147483648\n");
        Files.writeString(dir.resolve("memory.max"), "max\n");
        Files.writeString(dir.resolve("memory.current"), String.valueOf(900 * MIB));
        Files.writeString(dir.resolve("memory.stat"), "anon 1\nfile 2\ninactive_file " + (100 * MIB) + "\nactive_file 3\n");
        Path proc = fakeProc("0::/docker/abc", "30 22 0:26 / " + cg + " rw - cgroup2 cgroup2 rw");
        SystemMemory m = new SystemMemory(proc, 7);
        assertThat(m.limit()).isEqualTo(new MemoryReader.Limit(2048 * MIB, "cgroup v2 /docker/abc", true));
        assertThat(m.workingSet()).isEqualTo(800 * MIB);
    }

    @Test
    void cgroupV1InANamespaceWhoseRootIsTheContainersCgroup() throws IOException {
        Path cg = tmp.resolve("cg");
        Files.createDirectories(cg);
        Files.writeString(cg.resolve("memory.limit_in_bytes"), String.valueOf(512 * MIB));
        Files.writeString(cg.resolve("memory.usage_in_bytes"), String.valueOf(300 * MIB));
        Files.writeString(cg.resolve("memory.stat"), "cache 5\ntotal_inactive_file " + (50 * MIB) + "\n");
        Path proc = fakeProc("4:memory:/kubepods/pod1", "31 22 0:27 /kubepods/pod1 " + cg + " rw - cgroup cgroup rw,memory");
        SystemMemory m = new SystemMemory(proc, 7);
        assertThat(m.limit()).isEqualTo(new MemoryReader.Limit(512 * MIB, "cgroup v1 /kubepods/pod1", true));
        assertThat(m.workingSet()).isEqualTo(250 * MIB);
    }

    @Test
    void withoutACgroupLimitThePhysicalMemoryIsTheLimitAndThereIsNoWorkingSet() throws IOException {
        Path cg = tmp.resolve("cg");
        Files.createDirectories(cg.resolve("user"));
        Files.writeString(cg.resolve("user/memory.limit_in_bytes"), "9223372036854771712\n");
        Path proc = fakeProc("4:memory:/user", "31 22 0:27 / " + cg + " rw - cgroup cgroup rw,memory");
        SystemMemory m = new SystemMemory(proc, 7);
        assertThat(m.limit()).isEqualTo(new MemoryReader.Limit(16384000L * 1024, "physical memory", false));
        assertThat(m.workingSet()).isEqualTo(-1);
    }

    @Test
    void whereNothingCanBeReadTheLimitIsUnknown() {
        SystemMemory m = new SystemMemory(tmp.resolve("no-proc"), 7);
        assertThat(m.limit()).isNull();
        assertThat(m.workingSet()).isEqualTo(-1);
        assertThat(m.processes()).isEmpty();
        assertThat(m.pss(List.of(7L))).isEqualTo(-1);
    }

    /** A real cgroup v1 limit: a child cgroup of our own, with a process moved into it (needs root and cgroup v1). */
    @Test
    void aRealCgroupV1LimitIsReadForAProcessInIt() throws Exception {
        Path ownCgroup = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains("memory")) {
                ownCgroup = Path.of("/sys/fs/cgroup/memory" + f[2]);
            }
        }
        assumeTrue(ownCgroup != null && Files.isWritable(ownCgroup), "needs a writable cgroup v1 memory hierarchy");
        Path child = ownCgroup.resolve("docket-test-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(child);
        } catch (IOException e) {
            assumeTrue(false, "cannot create a cgroup here: " + e);
        }
        Process sleeper = null;
        try {
            Files.writeString(child.resolve("memory.limit_in_bytes"), String.valueOf(300 * MIB));
            sleeper = new ProcessBuilder("sleep", "60").start();
            Files.writeString(child.resolve("cgroup.procs"), String.valueOf(sleeper.pid()));
            SystemMemory m = new SystemMemory(Path.of("/proc"), sleeper.pid());
            MemoryReader.Limit limit = m.limit();
            assertThat(limit.bytes()).isEqualTo(300 * MIB);
            assertThat(limit.cgroup()).isTrue();
            assertThat(limit.source()).startsWith("cgroup v1 ").endsWith(child.getFileName().toString());
            assertThat(m.workingSet()).isBetween(0L, 300 * MIB);
        } finally {
            if (sleeper != null) {
                sleeper.destroyForcibly();
                sleeper.waitFor();
            }
            Files.deleteIfExists(child);
        }
    }
}
