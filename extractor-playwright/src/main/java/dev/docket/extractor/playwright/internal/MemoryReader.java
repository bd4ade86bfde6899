package dev.docket.extractor.playwright.internal;

import java.util.List;
import java.util.Map;

/**
 * Where the extractor reads memory figures: the limit in force, the working set counted against it, the process
 * table and the PSS of processes. {@link SystemMemory} reads the machine (cgroup v2 or v1, else physical memory,
 * and {@code /proc}); tests substitute a fake. Implementations are thread-safe and never throw: what cannot be
 * read is "unknown" (null, -1, empty).
 */
public interface MemoryReader {

    /**
     * A memory limit.
     *
     * @param bytes  the limit
     * @param source where it comes from, for operators ({@code "cgroup v2 /docker/abc"}, {@code "physical memory"})
     * @param cgroup true when it is a cgroup's limit (then {@link #workingSet()} is that cgroup's)
     */
    record Limit(long bytes, String source, boolean cgroup) {
    }

    /** The memory limit of this process (the lower of its cgroup's and the physical memory), or null. */
    Limit limit();

    /**
     * The memory of this process's cgroup that counts against its limit (usage minus inactive file cache, as the
     * kernel and kubelet count it), or -1 when the limit is not a cgroup's.
     */
    long workingSet();

    /** The process table, empty when unknown. */
    Map<Long, ProcFs.Entry> processes();

    /** The summed PSS of {@code pids} in bytes, -1 when none can be read. */
    long pss(List<Long> pids);
}
