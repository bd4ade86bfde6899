package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Zombies and orphans. Chromium's helpers that outlive their parent are re-parented to PID 1 of the container
 * (or the nearest subreaper), which must reap them when they exit; a JVM running as PID 1 never does (Java reaps
 * only the processes it started itself), so thousands of defunct chromium processes pile up until the process
 * table is full. {@link #checkAtStart} warns once per JVM when the JVM is PID 1, or PID 1 is not a known init;
 * {@link #defunct} counts the defunct processes below this JVM, and the first time there are some it warns with
 * the fix. Thread-safe.
 */
public final class Reaping {
    private static final Logger log = LoggerFactory.getLogger(Reaping.class);
    /** The fix, as the warnings and the docs give it. */
    public static final String FIX = "run the JVM under an init that reaps orphans: docker run --init, tini or dumb-init "
            + "as the entrypoint (ENTRYPOINT [\"tini\", \"--\"]), or shareProcessNamespace in Kubernetes";
    /** Names of PID 1 that reap orphans. */
    static final Set<String> KNOWN_INITS = Set.of("init", "systemd", "tini", "docker-init", "dumb-init", "catatonit",
            "s6-svscan", "runit", "runsvdir", "supervisord", "openrc-init", "busybox", "pause", "containerd-shim",
            "sh", "bash", "dash", "ash");
    private static final AtomicBoolean WARNED_AT_START = new AtomicBoolean();
    private static final AtomicBoolean WARNED_DEFUNCT = new AtomicBoolean();

    private Reaping() {
    }

    /**
     * What is wrong with the reaping of this JVM's orphans, or null when nothing seems wrong (or cannot be known).
     *
     * @param selfPid  this JVM's pid as its own namespace sees it
     * @param pid1Name the name of PID 1 ({@code /proc/1/comm}), or null when unreadable
     */
    static String problem(long selfPid, String pid1Name) {
        if (selfPid == 1) {
            return "this JVM runs as PID 1, so nothing reaps the processes chromium leaves behind: defunct (zombie) "
                    + "processes will pile up";
        }
        if (pid1Name != null && !KNOWN_INITS.contains(pid1Name)) {
            return "PID 1 is '" + pid1Name + "', which may not reap the processes chromium leaves behind (not a known "
                    + "init): watch the defunct-process count";
        }
        return null;
    }

    /** Warns once per JVM when {@link #problem} finds something. */
    public static void checkAtStart(ProcFs proc) {
        if (!proc.readable()) {
            return;
        }
        String p = problem(ProcessHandle.current().pid(), proc.command(1));
        if (p != null && WARNED_AT_START.compareAndSet(false, true)) {
            log.warn("{}. To fix: {}", p, FIX);
        }
    }

    /** Defunct processes below {@code selfPid} (this JVM) in {@code table}; warns once per JVM when there are some. */
    public static int defunct(Map<Long, ProcFs.Entry> table, long selfPid) {
        int n = ProcFs.defunctBelow(table, selfPid);
        if (n > 0 && WARNED_DEFUNCT.compareAndSet(false, true)) {
            log.warn("{} defunct (zombie) process(es) below this JVM: nothing reaps them. To fix: {}", n, FIX);
        }
        return n;
    }
}
