package dev.docket.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples, every {@code period}, the proportional set size (PSS, from /proc/&lt;pid&gt;/smaps_rollup)
 * summed over every process descended from this JVM — the chromium processes and the Playwright
 * drivers (node) — and keeps the peak. PSS splits shared pages between the processes sharing them,
 * so the sum is what these processes cost the machine. Linux only.
 */
public final class PssSampler implements AutoCloseable {
    private final Thread thread;
    private final long periodMillis;
    private final AtomicLong peakKb = new AtomicLong();
    private final AtomicLong peakProcesses = new AtomicLong();
    private volatile boolean stop;
    private volatile java.util.Map<String, Long> peakBreakdown = java.util.Map.of();
    /** CPU ticks (utime + stime) per pid when first seen; this JVM counts from the sampler's start. */
    private final java.util.Map<Long, Long> firstTicks = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Long, Long> lastTicks = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Long, String> kinds = new java.util.concurrent.ConcurrentHashMap<>();
    /** True until the first sample: processes seen then count from their ticks at that moment. */
    private volatile boolean firstSample = true;

    public PssSampler(long periodMillis) {
        this.periodMillis = periodMillis;
        this.thread = new Thread(this::run, "bench-pss");
        thread.setDaemon(true);
        thread.start();
    }

    /** The current sum over this JVM's descendants, in KiB. */
    public static long currentKb() {
        return sample()[0];
    }

    /** Descendant processes alive now. */
    public static List<ProcessHandle> descendants() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    }

    private static long[] sample() {
        return sample(null);
    }

    /** Sum and count; when {@code byKind} is given, also the sum per kind of process. */
    private static long[] sample(java.util.Map<String, Long> byKind) {
        long sum = 0;
        long n = 0;
        for (ProcessHandle p : descendants()) {
            long kb = pssKb(p.pid());
            if (kb > 0) {
                sum += kb;
                n++;
                if (byKind != null) {
                    byKind.merge(kind(p.pid()), kb, Long::sum);
                }
            }
        }
        return new long[] {sum, n};
    }

    /** "driver (node)", "browser server (node)", "chromium renderer", "chromium browser", ... from the process's command line. */
    static String kind(long pid) {
        String cmd;
        try {
            cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "gone";
        }
        if (cmd.contains("node") && cmd.contains("cli.js")) {
            return "driver (node)";
        }
        if (cmd.contains("node") && cmd.contains("browser-server.js")) {
            return "browser server (node)";
        }
        int t = cmd.indexOf("--type=");
        if (t >= 0) {
            String type = cmd.substring(t + 7).split(" ")[0];
            if (type.equals("utility") && cmd.contains("--utility-sub-type=")) {
                String sub = cmd.substring(cmd.indexOf("--utility-sub-type=") + 19).split(" ")[0];
                type = "utility " + sub.substring(sub.lastIndexOf('.') + 1);
            }
            return "chromium " + type;
        }
        return cmd.contains("chrom") ? "chromium browser" : "other";
    }

    /** PSS of one process in KiB, or 0 when it is gone. */
    static long pssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0; // ended meanwhile
        }
        return 0;
    }

    /** utime + stime of {@code pid} in clock ticks, or -1 when it is gone. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private void trackCpu() {
        long self = ProcessHandle.current().pid();
        List<Long> pids = new java.util.ArrayList<>();
        pids.add(self);
        descendants().forEach(p -> pids.add(p.pid()));
        for (long pid : pids) {
            long t = cpuTicks(pid);
            if (t < 0) {
                continue;
            }
            // processes started during the measurement count from zero
            firstTicks.computeIfAbsent(pid, k -> pid == self || firstSample ? t : 0L);
            lastTicks.put(pid, t);
            kinds.computeIfAbsent(pid, k -> pid == self ? "JVM (runtime, store, Playwright client)" : kind(pid));
        }
        firstSample = false;
    }

    /** CPU seconds used since the sampler started, by kind of process (processes that ended early are missed). */
    public java.util.Map<String, Double> cpuSecondsByKind() {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        for (var e : lastTicks.entrySet()) {
            long used = e.getValue() - firstTicks.getOrDefault(e.getKey(), e.getValue());
            out.merge(kinds.getOrDefault(e.getKey(), "other"), used / 100.0, Double::sum);
        }
        return out;
    }

    private void run() {
        while (!stop) {
            trackCpu();
            java.util.Map<String, Long> kinds = new java.util.TreeMap<>();
            long[] s = sample(kinds);
            if (s[0] > peakKb.get()) {
                peakBreakdown = kinds;
            }
            peakKb.accumulateAndGet(s[0], Math::max);
            peakProcesses.accumulateAndGet(s[1], Math::max);
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Peak PSS sum so far, in MiB. */
    public double peakMib() {
        return peakKb.get() / 1024.0;
    }

    /** At the peak: MiB by kind of process, e.g. "driver (node) 412, chromium renderer 380, ...". */
    public String peakBreakdown() {
        StringBuilder b = new StringBuilder();
        peakBreakdown.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).forEach(e ->
                b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue() / 1024));
        return b.toString();
    }

    /** Most descendant processes seen at once. */
    public long peakProcesses() {
        return peakProcesses.get();
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
