package dev.docket.queue.internal;

import dev.docket.queue.SourcePolicy;

/**
 * A source's limits as an operator types them, applied to its policy: the options of {@code docket limit} and the
 * fields of the dashboard's limit form, which accept the same words and report the same errors. Each setting is
 * optional (null: keep the current value): {@code concurrency} N or none, {@code rate} N/s, N/m, N/h or none (a new
 * rate keeps the current burst), {@code burst} N (needs a rate), {@code breaker} N or off.
 */
public final class SourceLimits {
    /** Longest part of a bad value quoted in an error message. */
    static final int MAX_QUOTED = 40;

    /** The settings as typed; null: not given. */
    public record Input(String concurrency, String rate, String burst, String breaker) {
        /** True when no setting is given. */
        public boolean isEmpty() {
            return concurrency == null && rate == null && burst == null && breaker == null;
        }
    }

    private SourceLimits() {
    }

    /**
     * {@code current} with {@code in} applied; {@code current} null only checks {@code in} (whether a burst has a
     * rate to go with is then left to the call with the policy in force).
     *
     * @param prefix put before a setting's name in messages: {@code "--"} for the CLI's options, {@code ""} for
     *               the form's fields
     * @throws IllegalArgumentException naming the setting and quoting the bad value
     */
    public static SourcePolicy apply(SourcePolicy current, Input in, String prefix) {
        SourcePolicy.Builder b = current == null ? SourcePolicy.builder() : current.toBuilder();
        if (in.concurrency() != null) {
            if (isWord(in.concurrency(), "none")) {
                b.noConcurrencyLimit();
            } else {
                b.concurrency(number(prefix + "concurrency", in.concurrency(), SourcePolicy.MAX_CONCURRENCY, "or none"));
            }
        }
        SourcePolicy.Rate base = current == null ? null : current.rate().orElse(null);
        SourcePolicy.Rate next = base;
        boolean rateNone = in.rate() != null && isWord(in.rate(), "none");
        if (rateNone) {
            next = null;
        } else if (in.rate() != null) {
            try {
                next = SourcePolicy.Rate.parse(in.rate().strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(prefix + "rate must be N/s, N/m or N/h (N 1-"
                        + SourcePolicy.Rate.MAX_PERMITS + ") or none but was " + quote(in.rate()), e);
            }
            if (base != null) {
                next = next.withBurst(base.burst());
            }
        }
        if (in.burst() != null) {
            int n = number(prefix + "burst", in.burst(), SourcePolicy.Rate.MAX_BURST, "");
            if (rateNone) {
                throw new IllegalArgumentException(prefix + "burst needs a rate, but " + prefix + "rate is none");
            }
            if (current != null && next == null) {
                throw new IllegalArgumentException(prefix + "burst needs a rate: the source has no rate limit; give "
                        + prefix + "rate too");
            }
            next = next == null ? null : next.withBurst(n);
        }
        b.rate(next);
        if (in.breaker() != null) {
            if (isWord(in.breaker(), "off")) {
                b.breakerOff();
            } else {
                b.breaker(number(prefix + "breaker", in.breaker(), SourcePolicy.MAX_BREAKER_FAILURES, "or off"));
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the policy is not valid: " + e.getMessage(), e);
        }
    }

    private static boolean isWord(String value, String word) {
        return value.strip().equalsIgnoreCase(word);
    }

    /** A whole number 1-max (digits only, surrounding blanks allowed), else an error naming the setting. */
    static int number(String name, String value, int max, String orWord) {
        String t = value.strip();
        int n = -1;
        if (!t.isEmpty() && t.length() <= 9 && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            n = Integer.parseInt(t);
        }
        if (n < 1 || n > max) {
            throw new IllegalArgumentException(name + " must be a whole number 1-" + max
                    + (orWord.isEmpty() ? "" : " " + orWord) + " but was " + quote(value));
        }
        return n;
    }

    /** The value in quotes, control characters as spaces, cut after {@link #MAX_QUOTED} characters. */
    static String quote(String value) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < value.length() && i < MAX_QUOTED; i++) {
            char c = value.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return b.append(value.length() > MAX_QUOTED ? "…'" : "'").toString();
    }
}
