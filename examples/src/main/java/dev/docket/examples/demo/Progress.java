package dev.docket.examples.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The live progress line: on a terminal one line redrawn in place, otherwise a log line every few
 * seconds.
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final int total;
    private final Tally tally;
    private final IntSupplier inFlight;
    private final long startNanos = System.nanoTime();
    private long lastLineNanos;

    Progress(PrintStream out, boolean terminal, int total, Tally tally, IntSupplier inFlight) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.tally = tally;
        this.inFlight = inFlight;
    }

    /** Called often; prints when it is time to. */
    void tick() {
        long now = System.nanoTime();
        long every = terminal ? 200_000_000L : 3_000_000_000L;
        if (now - lastLineNanos < every) {
            return;
        }
        lastLineNanos = now;
        String line = line(now);
        if (terminal) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the live line. */
    void finish() {
        String line = line(System.nanoTime());
        out.println(terminal ? "\r" + line + "   " : line);
    }

    String line(long nowNanos) {
        double secs = Math.max(0.001, (nowNanos - startNanos) / 1e9);
        int done = tally.completed.get() + tally.failed.get();
        double rate = done / secs;
        String eta = rate > 0 && done < total ? format(Duration.ofSeconds((long) Math.ceil((total - done) / rate))) : "-";
        return String.format(Locale.ROOT, "[docket] %d/%d done | completed %d | failed %d | retrying %d | in flight %d"
                        + " | %.1f jobs/s | elapsed %s | ETA %s",
                done, total, tally.completed.get(), tally.failed.get(), tally.retries.get() + tally.released.get(),
                inFlight.getAsInt(), rate, format(Duration.ofMillis((long) (secs * 1000))), eta);
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
