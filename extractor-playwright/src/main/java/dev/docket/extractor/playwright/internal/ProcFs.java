package dev.docket.extractor.playwright.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What Linux's {@code /proc} says about processes: the process table (pid, parent, state) and the proportional
 * set size (PSS) of a process. PSS splits the pages processes share between them, so the PSS of a process tree is
 * what the tree costs the machine (RSS would count chromium's shared pages once per process). Everything returns
 * "unknown" (empty, -1) where {@code /proc} is missing or unreadable, e.g. on macOS or Windows. Stateless and
 * thread-safe.
 */
public final class ProcFs {
    private final Path proc;

    /** One process: its parent and its state letter ({@code R}, {@code S}, {@code Z} for a zombie...). */
    public record Entry(long pid, long ppid, char state) {
    }

    public ProcFs(Path proc) {
        this.proc = proc;
    }

    /** The machine's {@code /proc}. */
    public static ProcFs system() {
        return new ProcFs(Path.of("/proc"));
    }

    /** True when this {@code /proc} can be read. */
    public boolean readable() {
        return Files.isReadable(proc.resolve("self").resolve("stat"));
    }

    /** Every process, by pid; empty when {@code /proc} cannot be read. */
    public Map<Long, Entry> table() {
        Map<Long, Entry> out = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> isNumber(p.getFileName().toString()))) {
            for (Path d : dirs) {
                Entry e = entry(d);
                if (e != null) {
                    out.put(e.pid(), e);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    /** {@code root} (when in {@code table}) and every process below it. */
    public static List<Long> tree(Map<Long, Entry> table, long root) {
        Map<Long, List<Long>> children = new HashMap<>();
        table.values().forEach(e -> children.computeIfAbsent(e.ppid(), k -> new ArrayList<>()).add(e.pid()));
        List<Long> out = new ArrayList<>();
        if (!table.containsKey(root)) {
            return out;
        }
        Deque<Long> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty() && out.size() < 100_000) {
            long pid = todo.poll();
            out.add(pid);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return out;
    }

    /** Zombies ({@code Z}) whose parent is {@code root} or below it: children nobody reaped. */
    public static int defunctBelow(Map<Long, Entry> table, long root) {
        int n = 0;
        for (long pid : tree(table, root)) {
            Entry e = table.get(pid);
            if (pid != root && e != null && e.state() == 'Z') {
                n++;
            }
        }
        return n;
    }

    /** The PSS of {@code pid} in bytes ({@code smaps_rollup}), or -1 (gone, unreadable, a zombie). */
    public long pssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("smaps_rollup"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Pss:")) {
                    String[] parts = line.substring(4).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The summed PSS of {@code pids} in bytes; -1 when none could be read. */
    public long pssBytes(List<Long> pids) {
        long sum = 0;
        boolean any = false;
        for (long pid : pids) {
            long b = pssBytes(pid);
            if (b >= 0) {
                sum += b;
                any = true;
            }
        }
        return any ? sum : -1;
    }

    /** The first word of {@code /proc/<pid>/comm} (the process's name), or null. */
    public String command(long pid) {
        try {
            return Files.readString(proc.resolve(Long.toString(pid)).resolve("comm"), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Entry entry(Path dir) {
        String stat;
        try {
            stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null; // exited meanwhile
        }
        // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so split after the last ')'
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length()) {
            return null;
        }
        String[] rest = stat.substring(close + 2).split(" ");
        if (rest.length < 2) {
            return null;
        }
        try {
            return new Entry(Long.parseLong(dir.getFileName().toString()), Long.parseLong(rest[1]), rest[0].charAt(0));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
