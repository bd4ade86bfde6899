package dev.docket.queue.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline: the one way tests wait for background work. Polls every
 * few milliseconds; fails with the description when the deadline passes.
 */
public final class Await {
    /** Default deadline: generous, because CI machines are slow; a passing test never waits that long. */
    public static final Duration DEFAULT = Duration.ofSeconds(20);

    private Await() {
    }

    /** Waits up to {@link #DEFAULT} for {@code condition}; fails with {@code description} when it does not hold. */
    public static void until(String description, BooleanSupplier condition) {
        until(description, DEFAULT, condition);
    }

    /** Waits up to {@code max} for {@code condition}; fails with {@code description} when it does not hold. */
    public static void until(String description, Duration max, BooleanSupplier condition) {
        if (!within(max, condition)) {
            throw new AssertionError("timed out after " + max + " waiting for: " + description);
        }
    }

    /**
     * Waits until {@code condition} holds or {@code max} passes; true if it held. For assertions that describe
     * their failure themselves ({@code assertThat(Await.within(...)).as(...).isTrue()}).
     */
    public static boolean within(Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return condition.getAsBoolean();
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(2); // polling interval of the condition, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for a condition", e);
            }
        }
        return true;
    }

    /** Waits until {@code supplier} returns a value that makes {@code condition} true, and returns it. */
    public static <T> T value(String description, Supplier<T> supplier, java.util.function.Predicate<T> condition) {
        Object[] holder = new Object[1];
        until(description, () -> {
            T v = supplier.get();
            holder[0] = v;
            return condition.test(v);
        });
        @SuppressWarnings("unchecked")
        T v = (T) holder[0];
        return v;
    }
}
