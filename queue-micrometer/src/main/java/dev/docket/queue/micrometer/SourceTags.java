package dev.docket.queue.micrometer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded {@code source} tag shared by {@link WorkerMetrics} and {@link QueueMetrics}: the first
 * {@code maxSources} distinct (sanitised) sources keep their name, any further source is tagged
 * {@value WorkerMetrics#OTHER_SOURCE} (logged once at WARN), so a free-text field cannot create an unbounded
 * number of time series. Thread-safe.
 */
final class SourceTags {
    private static final Logger log = LoggerFactory.getLogger(SourceTags.class);

    private final int maxSources;
    private final String owner;
    /** The source tag values in use (at most maxSources; OTHER_SOURCE is not counted). */
    private final Set<String> values = ConcurrentHashMap.newKeySet();
    private volatile boolean full;

    /** @param owner the class whose builder sets the limit, named in the warning */
    SourceTags(int maxSources, String owner) {
        this.maxSources = maxSources;
        this.owner = owner;
    }

    /**
     * The tag value of {@code source}: its sanitised form while fewer than {@code maxSources} values are in use
     * or when the value is already in use, else {@value WorkerMetrics#OTHER_SOURCE}.
     */
    String of(String source) {
        String value = sanitise(source);
        if (values.contains(value)) {
            return value;
        }
        synchronized (values) {
            if (values.contains(value)) {
                return value;
            }
            if (values.size() < maxSources) {
                values.add(value);
                return value;
            }
        }
        if (!full) {
            full = true;
            log.warn("docket metrics: more than {} distinct document sources; further sources are tagged source={}"
                    + " (raise {}.Builder.maxSources or turn the tag off)", maxSources, WorkerMetrics.OTHER_SOURCE,
                    owner);
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
