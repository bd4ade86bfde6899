package dev.docket.cli.internal;

import dev.docket.queue.internal.Json;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes one JSON document, pretty-printed with two-space indents. Strings are quoted with
 * {@link Json#quote(String)}; instants become ISO-8601 strings; durations become seconds (a number);
 * non-finite numbers become null. Not thread-safe; fails fast on misuse (a value without a name in an
 * object, unbalanced ends).
 */
public final class JsonWriter {
    private static final MathContext SIGNIFICANT = new MathContext(6);
    private final StringBuilder out = new StringBuilder();
    /** Per open container: true for an object; the top says whether a name is pending. */
    private final Deque<Frame> stack = new ArrayDeque<>();
    private boolean done;

    private static final class Frame {
        final boolean object;
        int count;
        boolean named;

        Frame(boolean object) {
            this.object = object;
        }
    }

    public JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        stack.push(new Frame(true));
        return this;
    }

    public JsonWriter endObject() {
        return end(true, '}');
    }

    public JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        stack.push(new Frame(false));
        return this;
    }

    public JsonWriter endArray() {
        return end(false, ']');
    }

    /** The name of the next value in the current object. */
    public JsonWriter name(String name) {
        Frame f = stack.peek();
        if (f == null || !f.object || f.named) {
            throw new IllegalStateException("name '" + name + "' outside an object or twice");
        }
        if (f.count++ > 0) {
            out.append(',');
        }
        newline(stack.size());
        out.append(Json.quote(name)).append(": ");
        f.named = true;
        return this;
    }

    public JsonWriter value(String s) {
        return raw(s == null ? "null" : Json.quote(s));
    }

    public JsonWriter value(long n) {
        return raw(Long.toString(n));
    }

    public JsonWriter value(double d) {
        if (!Double.isFinite(d)) {
            return raw("null");
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return raw(Long.toString((long) d));
        }
        return raw(new BigDecimal(d).round(SIGNIFICANT).stripTrailingZeros().toPlainString());
    }

    /** A number, or null. */
    public JsonWriter number(Long n) {
        return n == null ? raw("null") : value(n.longValue());
    }

    public JsonWriter value(boolean b) {
        return raw(Boolean.toString(b));
    }

    /** An ISO-8601 string, or null. */
    public JsonWriter value(Instant t) {
        return t == null ? raw("null") : value(t.toString());
    }

    /** Seconds as a number (millisecond precision), or null. */
    public JsonWriter seconds(Duration d) {
        return d == null ? raw("null") : value(d.toMillis() / 1000.0);
    }

    /** Embeds {@code json} as is when it is valid JSON, else writes it as a string. */
    public JsonWriter json(String json) {
        if (json == null) {
            return raw("null");
        }
        return Json.validate(json) == null ? raw(json.strip()) : value(json);
    }

    public JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, double v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, Instant v) {
        return name(name).value(v);
    }

    /** The document; fails when containers are still open. */
    @Override
    public String toString() {
        if (!stack.isEmpty() || !done) {
            throw new IllegalStateException("JSON document incomplete");
        }
        return out.toString();
    }

    private JsonWriter raw(String text) {
        beforeValue();
        out.append(text);
        afterValue();
        return this;
    }

    private void beforeValue() {
        if (done) {
            throw new IllegalStateException("JSON document already complete");
        }
        Frame f = stack.peek();
        if (f == null) {
            return;
        }
        if (f.object) {
            if (!f.named) {
                throw new IllegalStateException("value in an object without a name");
            }
            f.named = false;
        } else {
            if (f.count++ > 0) {
                out.append(',');
            }
            newline(stack.size());
        }
    }

    private void afterValue() {
        if (stack.isEmpty()) {
            done = true;
        }
    }

    private JsonWriter end(boolean object, char close) {
        Frame f = stack.peek();
        if (f == null || f.object != object || f.named) {
            throw new IllegalStateException("unbalanced " + close);
        }
        stack.pop();
        if (f.count > 0) {
            newline(stack.size());
        }
        out.append(close);
        afterValue();
        return this;
    }

    private void newline(int depth) {
        out.append('\n');
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }
}
