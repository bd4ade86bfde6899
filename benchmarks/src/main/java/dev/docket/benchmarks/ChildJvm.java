package dev.docket.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A child JVM running one of this module's main classes with the parent's class path (the shaded
 * jar, or the test class path under Maven). Its output lines are handed to a consumer and kept.
 */
public final class ChildJvm {
    /** Exit value of a process killed by SIGKILL, as {@link Process#exitValue()} reports it on Linux. */
    public static final int SIGKILL_EXIT = 128 + 9;
    /** Exit value of a JVM ended by SIGTERM (after its shutdown hooks ran). */
    public static final int SIGTERM_EXIT = 128 + 15;
    /** What a child of {@link #runForResult} prints before its measurement. */
    public static final String RESULT = "RESULT ";

    private final Process process;
    private final String name;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process, String name, Consumer<String> onLine) {
        this.process = process;
        this.name = name;
        Thread reader = new Thread(() -> pump(onLine), "bench-child-out-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java [jvmArgs] -cp <our class path> mainClass args}.
     *
     * @param env extra environment variables
     * @param log where the child's output goes (appended), or null to keep it only in memory
     */
    public static ChildJvm start(String name, Class<?> mainClass, List<String> jvmArgs, List<String> args,
            Map<String, String> env, Path log, Consumer<String> onLine) throws IOException {
        List<String> cmd = command(mainClass, jvmArgs, args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        Consumer<String> sink = onLine == null ? l -> { } : onLine;
        if (log != null) {
            File f = log.toFile();
            Consumer<String> inner = sink;
            sink = l -> {
                synchronized (ChildJvm.class) {
                    try (var w = new java.io.FileWriter(f, StandardCharsets.UTF_8, true)) {
                        w.write("[" + name + "] " + l + "\n");
                    } catch (IOException e) {
                        // the log is a convenience; the line is still kept in memory
                    }
                }
                inner.accept(l);
            };
        }
        return new ChildJvm(p, name, sink);
    }

    /**
     * Runs {@code java [jvmArgs] -cp <our class path> mainClass args} to its end and returns the number on the line it
     * printed starting with {@code RESULT } (one measurement per child JVM).
     *
     * @throws IllegalStateException when the child printed no such line (its exit value and output in the message)
     */
    public static double runForResult(String name, Class<?> mainClass, List<String> jvmArgs, List<String> args)
            throws IOException, InterruptedException {
        List<String> cmd = command(mainClass, jvmArgs, args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = r.lines().toList();
        }
        int exit = p.waitFor();
        String line = out.stream().filter(l -> l.startsWith(RESULT)).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " run failed (exit " + exit + "): " + out));
        return Double.parseDouble(line.substring(RESULT.length()).trim());
    }

    /** {@code java [jvmArgs] -cp <our class path> mainClass args}, with this JVM's own java. */
    private static List<String> command(Class<?> mainClass, List<String> jvmArgs, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        return cmd;
    }

    private void pump(Consumer<String> onLine) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                onLine.accept(line);
            }
        } catch (IOException e) {
            lines.add("(output closed: " + e.getMessage() + ")");
        }
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    /** Every line printed so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    public boolean printed(String prefix) {
        return lines.stream().anyMatch(l -> l.startsWith(prefix));
    }
}
