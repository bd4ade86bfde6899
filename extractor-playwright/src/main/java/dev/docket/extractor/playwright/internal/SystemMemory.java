package dev.docket.extractor.playwright.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The machine's memory figures for one process: its cgroup's limit and working set (cgroup v2: {@code memory.max},
 * {@code memory.current} minus {@code inactive_file}; v1: {@code memory.limit_in_bytes}, {@code memory.usage_in_bytes}
 * minus {@code total_inactive_file}; the lowest limit of the cgroup and its parents up to the mount point), else
 * the physical memory ({@code MemTotal} of {@code /proc/meminfo}). The cgroup is found from
 * {@code /proc/<pid>/cgroup} and {@code /proc/self/mountinfo} each time (a process may be moved). Thread-safe.
 */
public final class SystemMemory implements MemoryReader {
    /** A v1 limit at or above this means "no limit" (the kernel's unlimited value is near {@code Long.MAX_VALUE}). */
    private static final long V1_UNLIMITED = 1L << 60;

    private final ProcFs proc;
    private final Path procRoot;
    private final long pid;

    /** @param pid the process whose cgroup counts (this JVM's, normally) */
    public SystemMemory(Path procRoot, long pid) {
        this.procRoot = procRoot;
        this.proc = new ProcFs(procRoot);
        this.pid = pid;
    }

    /** This JVM's figures from the machine's {@code /proc}. */
    public static SystemMemory ofThisProcess() {
        return new SystemMemory(Path.of("/proc"), ProcessHandle.current().pid());
    }

    /** A cgroup directory and its version. */
    private record Cgroup(Path dir, Path mount, int version, String path) {
    }

    @Override
    public Limit limit() {
        long physical = physical();
        Cgroup cg = cgroup();
        long cgLimit = cg == null ? -1 : cgroupLimit(cg);
        if (cgLimit > 0 && (physical <= 0 || cgLimit < physical)) {
            return new Limit(cgLimit, "cgroup v" + cg.version() + " " + cg.path(), true);
        }
        return physical > 0 ? new Limit(physical, "physical memory", false) : null;
    }

    @Override
    public long workingSet() {
        Cgroup cg = cgroup();
        if (cg == null || cgroupLimit(cg) <= 0) {
            return -1;
        }
        long usage = number(cg.dir().resolve(cg.version() == 2 ? "memory.current" : "memory.usage_in_bytes"));
        if (usage < 0) {
            return -1;
        }
        long inactive = stat(cg.dir().resolve("memory.stat"), cg.version() == 2 ? "inactive_file" : "total_inactive_file");
        return Math.max(0, usage - Math.max(0, inactive));
    }

    @Override
    public Map<Long, ProcFs.Entry> processes() {
        return proc.table();
    }

    @Override
    public long pss(List<Long> pids) {
        return proc.pssBytes(pids);
    }

    /** {@code MemTotal} in bytes, or -1. */
    long physical() {
        try {
            for (String line : Files.readAllLines(procRoot.resolve("meminfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.substring(9).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The lowest limit from {@code cg.dir} up to its mount point, or -1 for none. */
    private static long cgroupLimit(Cgroup cg) {
        long lowest = -1;
        for (Path d = cg.dir(); d != null && d.startsWith(cg.mount()); d = d.getParent()) {
            long l;
            if (cg.version() == 2) {
                l = number(d.resolve("memory.max"));
            } else {
                l = number(d.resolve("memory.limit_in_bytes"));
                if (l >= V1_UNLIMITED) {
                    l = -1;
                }
            }
            if (l > 0 && (lowest < 0 || l < lowest)) {
                lowest = l;
            }
        }
        return lowest;
    }

    /** The process's memory cgroup: v2 when the unified hierarchy has the memory controller, else v1; or null. */
    private Cgroup cgroup() {
        List<String> cgroups;
        List<String> mounts;
        try {
            cgroups = Files.readAllLines(procRoot.resolve(Long.toString(pid)).resolve("cgroup"), StandardCharsets.UTF_8);
            mounts = Files.readAllLines(procRoot.resolve("self").resolve("mountinfo"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String v1Path = null;
        String v2Path = null;
        for (String line : cgroups) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                v2Path = f[2];
            } else if (List.of(f[1].split(",")).contains("memory")) {
                v1Path = f[2];
            }
        }
        for (String m : mounts) {
            // id parent major:minor root mountpoint options ... - fstype source superoptions
            int dash = m.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] left = m.substring(0, dash).split(" ");
            String[] right = m.substring(dash + 3).split(" ");
            if (left.length < 5 || right.length < 3) {
                continue;
            }
            String root = left[3];
            Path mount = Path.of(left[4]);
            if (v1Path != null && right[0].equals("cgroup") && List.of(right[2].split(",")).contains("memory")) {
                Path dir = under(mount, root, v1Path);
                if (dir != null && Files.exists(dir.resolve("memory.limit_in_bytes"))) {
                    return new Cgroup(dir, mount, 1, v1Path);
                }
            }
            if (v1Path == null && v2Path != null && right[0].equals("cgroup2")) {
                Path dir = under(mount, root, v2Path);
                if (dir != null && Files.exists(dir.resolve("memory.current"))) {
                    return new Cgroup(dir, mount, 2, v2Path);
                }
            }
        }
        return null;
    }

    /** The directory of cgroup {@code path} under a mount of cgroup root {@code root}, or null. */
    private static Path under(Path mount, String root, String path) {
        String rel;
        if (root.equals("/")) {
            rel = path;
        } else if (path.equals(root) || path.startsWith(root + "/")) {
            rel = path.substring(root.length());
        } else {
            return null;
        }
        rel = rel.replaceFirst("^/+", "");
        Path dir = rel.isEmpty() ? mount : mount.resolve(rel).normalize();
        return dir.startsWith(mount) ? dir : null;
    }

    private static long number(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return s.equals("max") ? -1 : Long.parseLong(s);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long stat(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                if (line.startsWith(key + " ")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
