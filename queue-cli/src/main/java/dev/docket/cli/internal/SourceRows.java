package dev.docket.cli.internal;

import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * How {@code docket sources} and the SOURCES section of {@code diagnose} show document sources: one table
 * row or one JSON object per source. Source names, reasons and errors come from outside (job fields, the
 * registry's words): the table makes them printable, the JSON quotes them, and errors have their URL
 * secrets redacted. Stateless.
 */
final class SourceRows {
    private SourceRows() {
    }

    /**
     * The state as operators read it: {@code closed}, {@code open until T}, {@code half-open},
     * {@code paused: reason}, {@code blocked until T: reason} (T in whole seconds, UTC).
     */
    static String state(SourceStatus s) {
        return switch (s.state()) {
            case CLOSED -> "closed";
            case OPEN -> "open until " + Formats.instant(s.until());
            case HALF_OPEN -> "half-open";
            case PAUSED -> "paused: " + s.reason();
            case BLOCKED -> "blocked until " + Formats.instant(s.until()) + ": " + s.reason();
        };
    }

    /** {@code 4}, or "-" without a cap. */
    static String cap(SourcePolicy p) {
        return p.concurrency().isPresent() ? Integer.toString(p.concurrency().getAsInt()) : "-";
    }

    /**
     * {@code 20/s burst 5}, with {@code (now 10.0/s)} when throttling has cut the effective rate; "-" without
     * a rate limit.
     */
    static String rate(SourceStatus s) {
        if (s.policy().rate().isEmpty()) {
            return "-";
        }
        SourcePolicy.Rate r = s.policy().rate().get();
        String text = r + " burst " + r.burst();
        if (s.effectiveRate() > 0 && s.effectiveRate() < r.perSecondValue() * 0.999) {
            text += " (now " + perSecond(s.effectiveRate()) + ")";
        }
        return text;
    }

    /** {@code 5}, or {@code off}. */
    static String breaker(SourcePolicy p) {
        return p.breakerFailures().isPresent() ? Integer.toString(p.breakerFailures().getAsInt()) : "off";
    }

    /** {@code 12.5/s}, {@code 0.333/s}. */
    static String perSecond(double rate) {
        return String.format(Locale.ROOT, rate >= 10 ? "%.1f/s" : "%.3g/s", rate);
    }

    /** The policy in the words of {@code docket limit}: {@code concurrency 4, rate 20/s burst 5, breaker 5}. */
    static String policy(SourcePolicy p) {
        return "concurrency " + (p.concurrency().isPresent() ? p.concurrency().getAsInt() : "none")
                + ", rate " + (p.rate().isPresent() ? p.rate().get() + " burst " + p.rate().get().burst() : "none")
                + ", breaker " + (p.breakerFailures().isPresent() ? p.breakerFailures().getAsInt()
                + " failures (cool-down " + Formats.duration(p.coolDownFrom()) + " to "
                + Formats.duration(p.coolDownTo()) + ")" : "off");
    }

    /** The sources table, each line starting with {@code indent}; "none" when there are no sources. */
    static void print(PrintStream out, List<SourceStatus> sources, String indent) {
        if (sources.isEmpty()) {
            out.println(indent + "none");
            return;
        }
        Table t = new Table("SOURCE", "PENDING", "PROCESSING", "CAP", "RATE", "BREAKER", "POLICY", "STATE",
                "COMPLETED 60M", "FAILED 60M", "P50 60M", "P95 60M", "LAST ERROR");
        for (SourceStatus s : sources) {
            t.row(s.source(), s.pending(), s.processing(), cap(s.policy()), rate(s), breaker(s.policy()),
                    s.ownPolicy() ? "own" : "default", state(s), s.completedLast60m(), s.failedLast60m(),
                    Formats.duration(s.p50Last60m()), Formats.duration(s.p95Last60m()),
                    DiagnoseCommand.redact(s.lastError()));
        }
        t.print(out, indent);
    }

    /** One source as a JSON object. */
    static void json(JsonWriter w, SourceStatus s) {
        w.beginObject().field("source", s.source()).field("pending", s.pending()).field("processing", s.processing())
                .field("ownPolicy", s.ownPolicy());
        w.name("policy");
        json(w, s.policy());
        w.field("state", s.state().name()).field("stateText", state(s)).field("until", s.until())
                .field("reason", s.reason()).field("effectiveRatePerSecond", s.effectiveRate())
                .field("consecutiveFailures", s.consecutiveFailures())
                .field("completedLast60m", s.completedLast60m()).field("failedLast60m", s.failedLast60m())
                .name("p50Last60mSeconds").seconds(s.p50Last60m())
                .name("p95Last60mSeconds").seconds(s.p95Last60m())
                .field("lastError", DiagnoseCommand.redact(s.lastError()));
        w.endObject();
    }

    /** A policy as a JSON object: null for "none" and "off". */
    static void json(JsonWriter w, SourcePolicy p) {
        w.beginObject();
        w.name("concurrency").number(p.concurrency().isPresent() ? (long) p.concurrency().getAsInt() : null);
        w.name("rate");
        if (p.rate().isPresent()) {
            SourcePolicy.Rate r = p.rate().get();
            w.beginObject().field("text", r.toString()).field("permits", r.permits())
                    .field("per", r.per() == ChronoUnit.SECONDS ? "second" : r.per() == ChronoUnit.MINUTES ? "minute"
                            : "hour")
                    .field("burst", r.burst()).field("perSecond", r.perSecondValue()).endObject();
        } else {
            w.value((String) null);
        }
        w.name("breakerFailures").number(p.breakerFailures().isPresent() ? (long) p.breakerFailures().getAsInt()
                : null);
        w.name("coolDownFromSeconds").seconds(p.coolDownFrom()).name("coolDownToSeconds").seconds(p.coolDownTo())
                .name("throttleWithoutHintSeconds").seconds(p.throttleWithoutHint())
                .name("throttleMaxSeconds").seconds(p.throttleMax());
        w.endObject();
    }
}
