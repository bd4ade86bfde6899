package dev.docket.queue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the whole fleet treats the jobs of one document source (one registry website): a cap on the jobs
 * PROCESSING at once, a claim rate limit with a burst, and a circuit breaker. Stored with the queue (the
 * database for {@code PostgresJobStore}), so every worker on every host honours the same policy, and a
 * change takes effect at the next claim without a restart: set it with
 * {@link JobQueue#setSourcePolicy(String, SourcePolicy)}. Sources without a policy of their own follow
 * the queue's default ({@link JobQueue#setDefaultSourcePolicy(SourcePolicy)}), whose built-in value is
 * {@link #defaults()}: no cap, no rate limit, circuit breaker on.
 *
 * <pre>{@code
 * queue.setSourcePolicy("registry-a", SourcePolicy.builder()
 *         .concurrency(4)
 *         .rate(SourcePolicy.Rate.perSecond(20).withBurst(5))
 *         .breaker(5, Duration.ofSeconds(30), Duration.ofMinutes(10))
 *         .build());
 * }</pre>
 *
 * <p>Immutable and thread-safe; built by a {@link Builder} that validates at {@link Builder#build()} with
 * messages naming the field and the bad value.
 */
public final class SourcePolicy {
    /** Largest {@link Builder#concurrency(int) concurrency} cap. */
    public static final int MAX_CONCURRENCY = 100_000;
    /** Largest {@link Builder#breaker(int, Duration, Duration) failure threshold}. */
    public static final int MAX_BREAKER_FAILURES = 10_000;
    /** Default number of consecutive transient failures that opens the circuit. */
    public static final int DEFAULT_BREAKER_FAILURES = 5;
    /** Default first cool-down of an open circuit. */
    public static final Duration DEFAULT_COOL_DOWN_FROM = Duration.ofSeconds(30);
    /** Default longest cool-down (each failed probe doubles the cool-down up to this). */
    public static final Duration DEFAULT_COOL_DOWN_TO = Duration.ofMinutes(10);
    /** Default block after a throttled attempt whose registry gave no retry-after hint. */
    public static final Duration DEFAULT_THROTTLE_WITHOUT_HINT = Duration.ofSeconds(30);
    /** Default cap on how long one throttled attempt may block its source, whatever the registry asked. */
    public static final Duration DEFAULT_THROTTLE_MAX = Duration.ofHours(1);

    private static final SourcePolicy DEFAULTS = builder().build();

    private final Integer concurrency;
    private final Rate rate;
    private final Integer breakerFailures;
    private final Duration coolDownFrom;
    private final Duration coolDownTo;
    private final Duration throttleWithoutHint;
    private final Duration throttleMax;

    private SourcePolicy(Builder b) {
        this.concurrency = b.concurrency;
        this.rate = b.rate;
        this.breakerFailures = b.breakerFailures;
        this.coolDownFrom = b.coolDownFrom;
        this.coolDownTo = b.coolDownTo;
        this.throttleWithoutHint = b.throttleWithoutHint;
        this.throttleMax = b.throttleMax;
    }

    /** The built-in default: no concurrency cap, no rate limit, circuit breaker on (5 failures, 30 s to 10 min). */
    public static SourcePolicy defaults() {
        return DEFAULTS;
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this policy's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.concurrency = concurrency;
        b.rate = rate;
        b.breakerFailures = breakerFailures;
        b.coolDownFrom = coolDownFrom;
        b.coolDownTo = coolDownTo;
        b.throttleWithoutHint = throttleWithoutHint;
        b.throttleMax = throttleMax;
        return b;
    }

    /** The fleet-wide cap on this source's PROCESSING jobs; empty: no cap. */
    public OptionalInt concurrency() {
        return concurrency == null ? OptionalInt.empty() : OptionalInt.of(concurrency);
    }

    /** The claim rate limit; empty: none. */
    public Optional<Rate> rate() {
        return Optional.ofNullable(rate);
    }

    /** Consecutive transient failures that open the circuit; empty: the breaker is off. */
    public OptionalInt breakerFailures() {
        return breakerFailures == null ? OptionalInt.empty() : OptionalInt.of(breakerFailures);
    }

    /** The cool-down of a circuit that has just opened (kept even when the breaker is off). */
    public Duration coolDownFrom() {
        return coolDownFrom;
    }

    /** The longest cool-down: a failed probe doubles the cool-down, up to this. */
    public Duration coolDownTo() {
        return coolDownTo;
    }

    /** How long a throttled attempt blocks the source when the registry gave no retry-after. */
    public Duration throttleWithoutHint() {
        return throttleWithoutHint;
    }

    /** The most one throttled attempt blocks the source, whatever retry-after the registry asked for. */
    public Duration throttleMax() {
        return throttleMax;
    }

    /**
     * True when the policy can hold claims back by itself: it has a concurrency cap or a rate limit. Sources
     * whose policy is not limiting are claimed on the stores' fast path (unless paused, blocked or open).
     */
    public boolean isLimiting() {
        return concurrency != null || rate != null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SourcePolicy)) {
            return false;
        }
        SourcePolicy p = (SourcePolicy) o;
        return Objects.equals(concurrency, p.concurrency) && Objects.equals(rate, p.rate)
                && Objects.equals(breakerFailures, p.breakerFailures) && coolDownFrom.equals(p.coolDownFrom)
                && coolDownTo.equals(p.coolDownTo) && throttleWithoutHint.equals(p.throttleWithoutHint)
                && throttleMax.equals(p.throttleMax);
    }

    @Override
    public int hashCode() {
        return Objects.hash(concurrency, rate, breakerFailures, coolDownFrom, coolDownTo, throttleWithoutHint,
                throttleMax);
    }

    /**
     * For logs and the source's history, e.g.
     * {@code concurrency=4 rate=20/s burst=5 breaker=5 cool-down=PT30S..PT10M throttle=PT30S..PT1H}.
     */
    @Override
    public String toString() {
        return "concurrency=" + (concurrency == null ? "none" : concurrency)
                + " rate=" + (rate == null ? "none" : rate + " burst=" + rate.burst())
                + " breaker=" + (breakerFailures == null ? "off" : breakerFailures)
                + " cool-down=" + coolDownFrom + ".." + coolDownTo
                + " throttle=" + throttleWithoutHint + ".." + throttleMax;
    }

    /**
     * A claim rate: {@code permits} claims per second, minute or hour, with a {@code burst} of claims that may
     * be taken at once after an idle spell (the token bucket's size). Immutable.
     *
     * @param permits claims per {@code per}, 1-1,000,000
     * @param per     {@link ChronoUnit#SECONDS}, {@link ChronoUnit#MINUTES} or {@link ChronoUnit#HOURS}
     * @param burst   the bucket size, 1-100,000 (default 1: claims evenly spaced)
     */
    public record Rate(long permits, ChronoUnit per, int burst) {
        /** Largest {@link #permits()}. */
        public static final long MAX_PERMITS = 1_000_000;
        /** Largest {@link #burst()}. */
        public static final int MAX_BURST = 100_000;

        /** @throws IllegalArgumentException naming the component and its value when one is out of range */
        public Rate {
            Objects.requireNonNull(per, "per");
            if (permits < 1 || permits > MAX_PERMITS) {
                throw new IllegalArgumentException("rate.permits must be 1-" + MAX_PERMITS + " but was " + permits);
            }
            if (per != ChronoUnit.SECONDS && per != ChronoUnit.MINUTES && per != ChronoUnit.HOURS) {
                throw new IllegalArgumentException("rate.per must be SECONDS, MINUTES or HOURS but was " + per);
            }
            if (burst < 1 || burst > MAX_BURST) {
                throw new IllegalArgumentException("rate.burst must be 1-" + MAX_BURST + " but was " + burst);
            }
        }

        /** {@code permits} claims per second, burst 1. */
        public static Rate perSecond(long permits) {
            return new Rate(permits, ChronoUnit.SECONDS, 1);
        }

        /** {@code permits} claims per minute, burst 1. */
        public static Rate perMinute(long permits) {
            return new Rate(permits, ChronoUnit.MINUTES, 1);
        }

        /** {@code permits} claims per hour, burst 1. */
        public static Rate perHour(long permits) {
            return new Rate(permits, ChronoUnit.HOURS, 1);
        }

        /**
         * Parses {@code N/s}, {@code N/m} or {@code N/h} (the CLI's {@code --rate}), burst 1.
         *
         * @throws IllegalArgumentException quoting the text when it is not of that form or out of range
         */
        public static Rate parse(String text) {
            Objects.requireNonNull(text, "text");
            String t = text.trim().toLowerCase(Locale.ROOT);
            int slash = t.indexOf('/');
            ChronoUnit unit = slash < 0 ? null : switch (t.substring(slash + 1)) {
                case "s" -> ChronoUnit.SECONDS;
                case "m" -> ChronoUnit.MINUTES;
                case "h" -> ChronoUnit.HOURS;
                default -> null;
            };
            long n;
            try {
                n = unit == null ? -1 : Long.parseLong(t.substring(0, slash));
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (unit == null || n < 1) {
                throw new IllegalArgumentException("rate must be N/s, N/m or N/h (N >= 1) but was '" + text + "'");
            }
            return new Rate(n, unit, 1);
        }

        /** The same rate with another burst. */
        public Rate withBurst(int burst) {
            return new Rate(permits, per, burst);
        }

        /** Claims per second (fractional for per-minute and per-hour rates). */
        public double perSecondValue() {
            return (double) permits / per.getDuration().getSeconds();
        }

        /** {@code 20/s}, {@code 600/m}, {@code 1000/h} (without the burst): the form {@link #parse} reads. */
        @Override
        public String toString() {
            return permits + "/" + (per == ChronoUnit.SECONDS ? "s" : per == ChronoUnit.MINUTES ? "m" : "h");
        }
    }

    /** Builds a {@link SourcePolicy}, starting from the built-in defaults. Not thread-safe. */
    public static final class Builder {
        private Integer concurrency;
        private Rate rate;
        private Integer breakerFailures = DEFAULT_BREAKER_FAILURES;
        private Duration coolDownFrom = DEFAULT_COOL_DOWN_FROM;
        private Duration coolDownTo = DEFAULT_COOL_DOWN_TO;
        private Duration throttleWithoutHint = DEFAULT_THROTTLE_WITHOUT_HINT;
        private Duration throttleMax = DEFAULT_THROTTLE_MAX;

        private Builder() {
        }

        /** Caps the source's PROCESSING jobs fleet-wide at {@code max} (1-{@value #MAX_CONCURRENCY}). */
        public Builder concurrency(int max) {
            this.concurrency = max;
            return this;
        }

        /** No concurrency cap (the default). */
        public Builder noConcurrencyLimit() {
            this.concurrency = null;
            return this;
        }

        /** Limits claims of the source fleet-wide to {@code rate}; null: no rate limit. */
        public Builder rate(Rate rate) {
            this.rate = rate;
            return this;
        }

        /** No rate limit (the default). */
        public Builder noRateLimit() {
            this.rate = null;
            return this;
        }

        /** The circuit breaker opens after {@code failures} consecutive transient failures (1-10,000). */
        public Builder breaker(int failures) {
            this.breakerFailures = failures;
            return this;
        }

        /**
         * The circuit breaker opens after {@code failures} consecutive transient failures for {@code coolDownFrom};
         * each failed probe doubles the cool-down, up to {@code coolDownTo}.
         */
        public Builder breaker(int failures, Duration coolDownFrom, Duration coolDownTo) {
            this.breakerFailures = failures;
            this.coolDownFrom = coolDownFrom;
            this.coolDownTo = coolDownTo;
            return this;
        }

        /** No circuit breaker: transient failures are retried by the retry policy only. */
        public Builder breakerOff() {
            this.breakerFailures = null;
            return this;
        }

        /**
         * How long a throttled attempt blocks the source: {@code withoutHint} when the registry gave no
         * retry-after, and never longer than {@code max} (default 30 s and 1 h).
         */
        public Builder throttle(Duration withoutHint, Duration max) {
            this.throttleWithoutHint = withoutHint;
            this.throttleMax = max;
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalArgumentException naming the field and its value when one is out of range (e.g.
         *                                  {@code "concurrency must be 1-100000 but was 0"})
         */
        public SourcePolicy build() {
            if (concurrency != null && (concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
                throw new IllegalArgumentException("concurrency must be 1-" + MAX_CONCURRENCY + " but was " + concurrency);
            }
            if (breakerFailures != null && (breakerFailures < 1 || breakerFailures > MAX_BREAKER_FAILURES)) {
                throw new IllegalArgumentException("breakerFailures must be 1-" + MAX_BREAKER_FAILURES + " but was "
                        + breakerFailures);
            }
            atLeastOneSecond("coolDownFrom", coolDownFrom);
            atLeastOneSecond("coolDownTo", coolDownTo);
            if (coolDownTo.compareTo(coolDownFrom) < 0) {
                throw new IllegalArgumentException("coolDownTo must be >= coolDownFrom (" + coolDownFrom + ") but was "
                        + coolDownTo);
            }
            atLeastOneSecond("throttleWithoutHint", throttleWithoutHint);
            atLeastOneSecond("throttleMax", throttleMax);
            if (throttleMax.compareTo(throttleWithoutHint) < 0) {
                throw new IllegalArgumentException("throttleMax must be >= throttleWithoutHint (" + throttleWithoutHint
                        + ") but was " + throttleMax);
            }
            return new SourcePolicy(this);
        }

        private static void atLeastOneSecond(String name, Duration d) {
            if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException(name + " must be 1s-7d but was " + d);
            }
        }
    }
}
