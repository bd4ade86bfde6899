package dev.docket.extractor.playwright.internal;

import dev.docket.queue.ExtractionException;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The registry asking us to slow down: HTTP 429 and 503 answers (on the main navigation, a fetch or a download)
 * become {@link ExtractionException#throttled}, with the wait the {@code Retry-After} header asks for. The header
 * comes from the site, so it is read defensively: seconds ({@code 120}) or an HTTP date (IMF-fixdate, RFC 850 or
 * asctime, RFC 9110 §10.2.3), at most {@link #MAX_RETRY_AFTER}; anything else (too long, negative, garbage, a date
 * in the past) means "no hint".
 */
public final class Throttling {
    /** The longest wait a registry can ask for; a longer one is cut to this. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    private static final int MAX_HEADER_LENGTH = 64;
    private static final List<DateTimeFormatter> HTTP_DATES = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME,
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US),
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(java.time.ZoneOffset.UTC));

    private Throttling() {
    }

    /** True for the statuses that mean "slow down": 429 Too Many Requests and 503 Service Unavailable. */
    public static boolean isThrottle(int status) {
        return status == 429 || status == 503;
    }

    /**
     * The wait {@code header} asks for, as seen at {@code now}: zero when there is none or it cannot be read,
     * at most {@link #MAX_RETRY_AFTER}.
     */
    public static Duration retryAfter(String header, Instant now) {
        if (header == null) {
            return Duration.ZERO;
        }
        String h = header.strip();
        if (h.isEmpty() || h.length() > MAX_HEADER_LENGTH) {
            return Duration.ZERO;
        }
        if (h.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // more digits than a long holds is still "a very long time": bounded, not an error
            return h.length() > 9 ? MAX_RETRY_AFTER : bounded(Duration.ofSeconds(Long.parseLong(h)));
        }
        for (DateTimeFormatter f : HTTP_DATES) {
            try {
                Instant at = ZonedDateTime.parse(h, f).toInstant();
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : bounded(d);
            } catch (DateTimeParseException e) {
                // not this form: try the next
            }
        }
        return Duration.ZERO;
    }

    private static Duration bounded(Duration d) {
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    /**
     * The failure for a throttling answer.
     *
     * @param what e.g. "the page", "the document"
     */
    public static ExtractionException throttled(long jobId, String what, int status, String url, String retryAfterHeader,
                                                Instant now) {
        Duration wait = retryAfter(retryAfterHeader, now);
        return ExtractionException.throttled(wait, "job " + jobId + ": the registry answered HTTP " + status
                + (status == 429 ? " (Too Many Requests)" : " (Service Unavailable)") + " for " + what + " "
                + JobRun.shorten(url) + (wait.isZero() ? " (no usable Retry-After)" : " (Retry-After " + wait.toSeconds() + " s)"));
    }
}
