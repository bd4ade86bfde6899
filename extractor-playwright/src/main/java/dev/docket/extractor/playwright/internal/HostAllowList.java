package dev.docket.extractor.playwright.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hosts one document source may reach. Entries: {@code name} (any port), {@code name:port}, or
 * {@code *.domain} (strict subdomains). Only {@code http} and {@code https} URLs can be allowed;
 * {@code about:blank} and {@code data:} URLs never leave the browser and are always allowed. Immutable.
 */
public final class HostAllowList {
    private static final Pattern ENTRY = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?|\\[[0-9a-f:.]+](:[0-9]{1,5})?");

    private final Set<String> patterns;

    private HostAllowList(Set<String> patterns) {
        this.patterns = Set.copyOf(patterns);
    }

    public static HostAllowList of(Collection<String> entries) {
        Set<String> normalized = new LinkedHashSet<>();
        for (String e : entries) {
            normalized.add(e.trim().toLowerCase(Locale.ROOT));
        }
        return new HostAllowList(normalized);
    }

    /** Throws {@link IllegalArgumentException} naming {@code field} when {@code entry} is not a host pattern. */
    public static void validate(String field, String entry) {
        if (entry == null || !ENTRY.matcher(entry.trim().toLowerCase(Locale.ROOT)).matches()) {
            throw new IllegalArgumentException(field + ": host must look like 'registry.example.org', "
                    + "'registry.example.org:8443' or '*.example.org' but was '" + entry + "'");
        }
        int colon = entry.lastIndexOf(':');
        if (colon > 0 && !entry.endsWith("]")) {
            int port = Integer.parseInt(entry.substring(colon + 1).trim());
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(field + ": port must be 1-65535 but was " + port + " in '" + entry + "'");
            }
        }
    }

    public Set<String> patterns() {
        return patterns;
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** True when a browser or fetch may go to {@code url}. */
    public boolean allows(String url) {
        if (url == null) {
            return false;
        }
        if (url.equals("about:blank") || url.startsWith("data:")) {
            return true;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return false;
        }
        return allows(uri);
    }

    /** True when {@code uri} is http(s) to an allowed host. */
    public boolean allows(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return false;
        }
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : (scheme.equals("https") ? 443 : 80);
        for (String p : patterns) {
            if (matches(p, host, port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String pattern, String host, int port) {
        String hostPart = pattern;
        int wantedPort = -1;
        int colon = pattern.lastIndexOf(':');
        if (colon > 0 && !pattern.endsWith("]")) {
            hostPart = pattern.substring(0, colon);
            wantedPort = Integer.parseInt(pattern.substring(colon + 1));
        }
        if (wantedPort >= 0 && wantedPort != port) {
            return false;
        }
        if (hostPart.startsWith("*.")) {
            String domain = hostPart.substring(1); // ".example.org"
            return host.endsWith(domain) && host.length() > domain.length();
        }
        return hostPart.equals(host);
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
