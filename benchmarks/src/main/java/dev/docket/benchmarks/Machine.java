package dev.docket.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/** Facts about the machine a measurement ran on, for the results tables. */
public final class Machine {
    private Machine() {
    }

    /** Processors the JVM sees. */
    public static int nproc() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Total RAM from /proc/meminfo, e.g. "23.4 GiB", or "?" when unreadable. */
    public static String ram() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "?";
        }
        return "?";
    }

    /** The 1-minute load average from /proc/loadavg, or -1. */
    public static double load1() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).trim();
            return Double.parseDouble(s.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** "1.23 0.98 0.51" (1, 5, 15 minutes). */
    public static String loadAverages() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** "voluntary N, involuntary M" summed over this JVM's live threads (/proc/self/task), or "?". */
    public static String contextSwitches() {
        long vol = 0;
        long invol = 0;
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim().replaceAll("-?\\d+$", "");
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            long v = Long.parseLong(line.replaceAll("[^0-9]", ""));
                            vol += v;
                            byName.merge(name, v, Long::sum);
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            invol += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return "?";
        }
        byName.values().removeIf(v -> v < 1000);
        return "voluntary " + vol + ", involuntary " + invol + "; voluntary by thread " + byName;
    }

    /** CPU seconds of this JVM's live threads, summed by thread name (digits stripped), largest first. */
    public static String cpuByThread() {
        java.util.Map<String, Double> byName = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim().replaceAll("[-#]?\\d+$", "");
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double secs = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                    byName.merge(name, secs, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return "?";
        }
        StringBuilder b = new StringBuilder();
        byName.entrySet().stream().filter(e -> e.getValue() >= 0.05)
                .sorted((a, c) -> Double.compare(c.getValue(), a.getValue()))
                .forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                        .append(String.format(java.util.Locale.ROOT, "%.1f", e.getValue())));
        return b.toString();
    }

    /**
     * CPU seconds used so far by each PostgreSQL backend serving a benchmark pool (application_name
     * {@code docket-bench-<pool>}), read from /proc (the server runs on this machine), by backend pid.
     */
    public static java.util.Map<Integer, Double> backendCpu(BenchDatabase db, String pool) {
        java.util.Map<Integer, Double> out = new java.util.HashMap<>();
        try (Connection c = db.connect(); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, BenchDatabase.APPLICATION_PREFIX + pool);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int pid = rs.getInt(1);
                    try {
                        String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        out.put(pid, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0);
                    } catch (IOException | RuntimeException e) {
                        // the backend ended, or PostgreSQL is not on this machine
                    }
                }
            }
        } catch (SQLException e) {
            return out;
        }
        return out;
    }

    /** PostgreSQL CPU seconds of {@code pool}'s backends between two {@link #backendCpu} snapshots. */
    public static double backendCpuSince(java.util.Map<Integer, Double> before, java.util.Map<Integer, Double> after) {
        double sum = 0;
        for (java.util.Map.Entry<Integer, Double> e : after.entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
        }
        return sum;
    }

    /** CPU time used so far: this JVM and the whole machine (all processes), in seconds. */
    public record Cpu(double jvm, double machine, double idle) {
        /** Now. */
        public static Cpu now() {
            double jvm = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
            double busy = Double.NaN;
            double idle = Double.NaN;
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < f.length; i++) {
                    total += Long.parseLong(f[i]);
                }
                long idleTicks = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                busy = (total - idleTicks) / 100.0; // USER_HZ
                idle = idleTicks / 100.0;
            } catch (IOException | RuntimeException e) {
                // not Linux: machine figures unknown
            }
            return new Cpu(jvm, busy, idle);
        }

        /** "JVM 3.1 s, rest of the machine 4.2 s, idle 0.5 s" since {@code before}. */
        public String since(Cpu before) {
            double j = jvm - before.jvm;
            double m = machine - before.machine;
            return String.format(java.util.Locale.ROOT, "CPU: this JVM %.1f s, everything else (PostgreSQL and other"
                    + " processes) %.1f s, idle %.1f s", j, m - j, idle - before.idle);
        }
    }

    /** Percentage of CPU idle over the next {@code millis} (a quick look at how busy the machine is). */
    public static double idlePercent(long millis) {
        Cpu a = Cpu.now();
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Cpu b = Cpu.now();
        double busy = b.machine - a.machine;
        double idle = b.idle - a.idle;
        return busy + idle <= 0 ? Double.NaN : 100 * idle / (busy + idle);
    }

    /** "load 1.2 0.9 0.5, idle 97%" — load averages plus the idle share of the last second. */
    public static String loadNow() {
        return "load " + loadAverages() + ", idle " + Math.round(idlePercent(1000)) + "%";
    }

    /** "OpenJDK 64-Bit Server VM 17.0.15+6-...". */
    public static String java() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    /** The server's {@code SHOW server_version}. */
    public static String postgres(BenchDatabase db) {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        } catch (SQLException e) {
            return "PostgreSQL ?";
        }
    }

    /** One line describing the machine. */
    public static String describe(BenchDatabase db) {
        return "nproc " + nproc() + ", RAM " + ram() + ", " + java() + ", " + postgres(db) + " on "
                + db.server().host() + ":" + db.server().port();
    }
}
