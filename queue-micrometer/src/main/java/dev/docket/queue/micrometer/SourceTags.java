package dev.docket.queue.micrometer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code source} tag values of {@link WorkerMetrics}: sanitised, at most {@code maxSources} of them (the first
 * seen), {@value WorkerMetrics#OTHER_SOURCE} for the rest, so a free-text field cannot create an unbounded number
 * of time series. Thread-safe.
 */
final class SourceTags {
    private static final Logger log = LoggerFactory.getLogger(WorkerMetrics.class);

    private final int maxSources;
    /** The source tag values in use (at most maxSources; OTHER_SOURCE is not counted). */
    private final Set<String> sourceValues = ConcurrentHashMap.newKeySet();
    private volatile boolean sourcesFull;

    SourceTags(int maxSources) {
        this.maxSources = maxSources;
    }

    /**
     * The {@code source} tag value of a job's {@code source}: sanitised while fewer than {@code maxSources}
     * values are in use or when the value is already in use, else {@value WorkerMetrics#OTHER_SOURCE}.
     */
    String of(String source) {
        String value = sanitise(source);
        if (sourceValues.contains(value)) {
            return value;
        }
        synchronized (sourceValues) {
            if (sourceValues.contains(value)) {
                return value;
            }
            if (sourceValues.size() < maxSources) {
                sourceValues.add(value);
                return value;
            }
        }
        if (!sourcesFull) {
            sourcesFull = true;
            log.warn("docket metrics: more than {} distinct document sources; jobs of further sources are counted"
                    + " with source={} (raise WorkerMetrics.Builder.maxSources or turn the tag off with sourceTag(false))",
                    maxSources, WorkerMetrics.OTHER_SOURCE);
        }
        return WorkerMetrics.OTHER_SOURCE;
    }

    /**
     * A source as a tag value: control, format and unassigned characters become {@code _}, surrounding
     * blanks are removed, at most {@value WorkerMetrics#MAX_SOURCE_LENGTH} characters (a surrogate pair is never
     * split); {@code unknown} when nothing is left.
     */
    static String sanitise(String source) {
        if (source == null) {
            return "unknown";
        }
        String trimmed = source.strip();
        StringBuilder b = new StringBuilder(Math.min(trimmed.length(), WorkerMetrics.MAX_SOURCE_LENGTH));
        int i = 0;
        while (i < trimmed.length()) {
            int cp = trimmed.codePointAt(i);
            int n = Character.charCount(cp);
            if (b.length() + n > WorkerMetrics.MAX_SOURCE_LENGTH) {
                break;
            }
            int type = Character.getType(cp);
            boolean bad = type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.SURROGATE || type == Character.PRIVATE_USE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
            if (bad) {
                b.append('_');
            } else {
                b.appendCodePoint(cp);
            }
            i += n;
        }
        String out = b.toString().strip();
        return out.isEmpty() ? "unknown" : out;
    }
}
