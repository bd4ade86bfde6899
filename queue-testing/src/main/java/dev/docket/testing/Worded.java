package dev.docket.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares texts that quote elapsed times ({@code "lease expired 1m30s ago"}) word for word, allowing each
 * quoted duration to be up to {@link #SLACK} longer than expected: a store whose clock is the database's
 * {@code now()} keeps running between the test's steps (a loaded machine can add seconds), a manual clock
 * does not. Everything except the durations must be equal.
 */
final class Worded {

    /** How much longer than expected a quoted duration may be. */
    static final Duration SLACK = Duration.ofSeconds(15);

    private static final Pattern DURATION = Pattern.compile("\\b(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?\\b");

    private Worded() {
    }

    /** Asserts that {@code actual} holds {@code expected}'s texts, in order, with durations up to {@link #SLACK} longer. */
    static void assertWordedAlike(List<String> actual, List<String> expected) {
        assertThat(actual).as("texts").hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            String a = actual.get(i);
            String e = expected.get(i);
            assertThat(skeleton(a)).as("words of %s (expected %s)", a, e).isEqualTo(skeleton(e));
            List<Duration> ad = durations(a);
            List<Duration> ed = durations(e);
            for (int k = 0; k < ed.size(); k++) {
                Duration late = ad.get(k).minus(ed.get(k));
                assertThat(late.isNegative() || late.compareTo(SLACK) > 0)
                        .as("duration %d of \"%s\" against \"%s\"", k + 1, a, e).isFalse();
            }
        }
    }

    private static String skeleton(String text) {
        Matcher m = DURATION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, isDuration(m) ? "<d>" : Matcher.quoteReplacement(m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<Duration> durations(String text) {
        List<Duration> found = new ArrayList<>();
        Matcher m = DURATION.matcher(text);
        while (m.find()) {
            if (isDuration(m)) {
                found.add(Duration.ofHours(part(m, 1)).plusMinutes(part(m, 2)).plusSeconds(part(m, 3)));
            }
        }
        return found;
    }

    private static boolean isDuration(Matcher m) {
        return m.group(1) != null || m.group(2) != null || m.group(3) != null;
    }

    private static long part(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }
}
