package dev.docket.extractor.playwright.internal.snapshot;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Makes a page's HTML safe to keep and to open: cut to a length, then every {@code script} (and the other elements
 * that run or embed something: {@code noscript}, {@code iframe}, {@code frame}, {@code object}, {@code embed},
 * {@code base}) removed, event-handler attributes and {@code http-equiv} renamed, {@code javascript:} URLs
 * neutralised, and a Content-Security-Policy that forbids scripts and remote loads put in front. Runs in time
 * linear in the input (no backtracking pattern over page text), so a hostile page cannot make it slow.
 */
public final class HtmlSanitizer {
    /** Put before the HTML: opened in a browser, nothing runs and nothing is fetched. */
    static final String PREAMBLE = "<!-- Docket failure snapshot: scripts removed -->\n"
            + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n";
    private static final String[] PAIRED = {"script", "noscript", "iframe", "frame", "object", "embed", "template"};
    private static final String[] VOID = {"base"};
    private static final Pattern EVENT_HANDLER = Pattern.compile("(?i)([\\s\"'/])(on[a-z]+\\s*=)");
    private static final Pattern HTTP_EQUIV = Pattern.compile("(?i)http-equiv");
    private static final Pattern JAVASCRIPT_URL = Pattern.compile("(?i)javascript\\s*:");

    private HtmlSanitizer() {
    }

    /** {@code html} made inert and cut to {@code maxChars} (before and after), plus the preamble. */
    public static String sanitize(String html, int maxChars) {
        String s = html == null ? "" : html;
        boolean cut = s.length() > maxChars;
        if (cut) {
            s = s.substring(0, maxChars);
        }
        for (String tag : PAIRED) {
            s = removeElements(s, tag);
        }
        for (String tag : VOID) {
            s = removeTags(s, tag);
        }
        s = EVENT_HANDLER.matcher(s).replaceAll("$1data-docket-removed-$2");
        s = HTTP_EQUIV.matcher(s).replaceAll("data-docket-removed-http-equiv");
        s = JAVASCRIPT_URL.matcher(s).replaceAll("about:blank#removed-javascript:");
        if (s.length() > maxChars) {
            // the renamings lengthen the text: cut again (a prefix of inert HTML is inert)
            s = s.substring(0, maxChars);
            cut = true;
        }
        return PREAMBLE + (cut ? "<!-- cut to " + maxChars + " characters -->\n" : "") + s;
    }

    /** Removes every {@code <tag ...>...</tag>}; an unclosed one is removed to the end. */
    static String removeElements(String s, String tag) {
        return remove(s, tag, "</" + tag);
    }

    /** Removes every {@code <tag ...>} (void elements: no closing tag). */
    static String removeTags(String s, String tag) {
        return remove(s, tag, null);
    }

    /** Removes each {@code <tag ...>} up to the end of {@code close} (null: of the tag itself). */
    private static String remove(String s, String tag, String close) {
        String lower = s.toLowerCase(Locale.ROOT);
        String open = "<" + tag;
        StringBuilder out = null;
        int copied = 0;
        int from = 0;
        while (true) {
            int start = nextTag(lower, open, from);
            if (start < 0) {
                break;
            }
            if (out == null) {
                out = new StringBuilder(s.length());
            }
            out.append(s, copied, start);
            int end = close == null ? start : nextTag(lower, close, start + open.length());
            if (end < 0) {
                copied = s.length();
                break;
            }
            int gt = lower.indexOf('>', end);
            copied = gt < 0 ? s.length() : gt + 1;
            from = copied;
        }
        if (out == null) {
            return s;
        }
        out.append(s, Math.min(copied, s.length()), s.length());
        return out.toString();
    }

    /** The next {@code prefix} at or after {@code from} that is followed by the end of a tag name. */
    private static int nextTag(String lower, String prefix, int from) {
        int i = from;
        while (true) {
            i = lower.indexOf(prefix, i);
            if (i < 0) {
                return -1;
            }
            int after = i + prefix.length();
            if (after >= lower.length()) {
                return i;
            }
            char c = lower.charAt(after);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
                return i;
            }
            i = after;
        }
    }
}
