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
