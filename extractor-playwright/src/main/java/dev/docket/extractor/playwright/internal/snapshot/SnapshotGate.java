package dev.docket.extractor.playwright.internal.snapshot;

import dev.docket.extractor.playwright.FailureSnapshots;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides which failures get a snapshot: the policy ({@link FailureSnapshots.Policy}), "first per distinct error
 * per source per window" (an error is its kind and message with numbers, query strings and the job id ignored,
 * so the same failure of many jobs is one error), and the byte budget per window. One per extractor, shared by its
 * slots; thread-safe. Remembers at most {@value #MAX_KEYS} errors (the oldest are forgotten first).
 */
final class SnapshotGate {
    static final int MAX_KEYS = 1000;
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern QUERY = Pattern.compile("\\?[^\\s)'\"]*");

    private final FailureSnapshots config;
    private final Clock clock;
    private final Map<String, Instant> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX_KEYS;
        }
    };
    private Instant windowStart;
    private long spent;

    SnapshotGate(FailureSnapshots config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** The error's identity: kind, then the message without numbers and query strings, cut to 200 characters. */
    static String errorKey(String source, String kind, String message) {
        String m = QUERY.matcher(String.valueOf(message)).replaceAll("");
        m = DIGITS.matcher(m).replaceAll("#").toLowerCase(Locale.ROOT);
        if (m.length() > 200) {
            m = m.substring(0, 200);
        }
        return source + "\u0000" + kind + "\u0000" + m;
    }

    /** Whether this failure should get a snapshot by the policy (it is remembered as seen when it should). */
    synchronized boolean admit(String source, String kind, String message) {
        switch (config.policy()) {
            case OFF:
                return false;
            case EVERY_FAILURE:
                return true;
            default:
                Instant now = clock.instant();
                String key = errorKey(source, kind, message);
                Instant last = seen.get(key);
                if (last != null && Duration.between(last, now).compareTo(config.window()) < 0) {
                    return false;
                }
                seen.put(key, now);
                return true;
        }
    }

    /** Takes {@code bytes} from this window's budget; false (nothing taken) when they do not fit. */
    synchronized boolean charge(long bytes) {
        Instant now = clock.instant();
        if (windowStart == null || Duration.between(windowStart, now).compareTo(config.window()) >= 0) {
            windowStart = now;
            spent = 0;
        }
        if (spent + bytes > config.budgetBytes()) {
            return false;
        }
        spent += bytes;
        return true;
    }

    /** Bytes spent in the current window. */
    synchronized long spent() {
        return spent;
    }
}
