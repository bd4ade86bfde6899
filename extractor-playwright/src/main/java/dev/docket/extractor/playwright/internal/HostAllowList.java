package dev.docket.extractor.playwright.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hosts one document source may reach. Entries: {@code name} (any port), {@code name:port}, or
 * {@code *.domain} (strict subdomains); a name may be an IPv4 address ({@code 10.1.2.3}) or an IPv6 address in
 * brackets ({@code [::1]}). Only {@code http} and {@code https} URLs can be allowed; {@code about:blank} and
 * {@code data:} URLs never leave the browser and are always allowed. Immutable.
 *
 * <p>One normalisation, {@link #normalizeHost}, is applied to the entries (at build time) and to every URL's
 * host (at request time): lower case, one trailing dot removed, international names to their ASCII form
 * ({@code bücher.example} is {@code xn--bcher-kva.example}), IPv6 addresses to their RFC 5952 form. Hosts that
 * the URL standard reads as IPv4 addresses ({@code 2130706433}, {@code 0x7f.1}, {@code 127.1}) are recognised as
 * such but must be written in their dotted form ({@code 127.0.0.1}): an entry in another form is rejected, and a
 * URL in another form is not allowed (chromium always shows the dotted form; another form can only come from a
 * page's link fetched by this JVM, whose resolver may read it differently). A wildcard must name a registrable
 * domain ({@code *.com} or {@code *.co.uk} is rejected).
 *
 * <p>Chromium sees the list as its proxy bypass list ({@link #proxyBypassList()}): each entry with and without a
 * trailing dot, after {@code <-loopback>}, which turns off chromium's implicit bypass of loopback and link-local
 * addresses, so that only the listed hosts are reached directly.
 */
public final class HostAllowList {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    /** Second-level labels under which a country's registry sells names ({@code co.uk}, {@code com.au}, ...). */
    private static final Set<String> PUBLIC_SECOND_LEVEL = Set.of("co", "com", "net", "org", "gov", "edu", "ac", "or", "ne",
            "go", "gob", "gouv", "mil", "nic", "ltd", "plc", "sch", "nom", "info", "biz");
    private static final String EXAMPLES = "'registry.example.org', 'registry.example.org:8443', '*.example.org', "
            + "'10.1.2.3' or '[::1]:8080'";

    private final Set<String> patterns;
    private final List<Entry> entries;

    private HostAllowList(Set<String> patterns, List<Entry> entries) {
        this.patterns = Set.copyOf(patterns);
        this.entries = List.copyOf(entries);
    }

    /** One parsed entry: a host (normalised), whether it is {@code *.host}, and its port or -1 for any. */
    private static final class Entry {
        final String host;
        final boolean wildcard;
        final int port;

        Entry(String host, boolean wildcard, int port) {
            this.host = host;
            this.wildcard = wildcard;
            this.port = port;
        }

        @Override
        public String toString() {
            return (wildcard ? "*." : "") + host + (port >= 0 ? ":" + port : "");
        }
    }

    /**
     * The list of {@code entries}, normalised.
     *
     * @throws IllegalArgumentException when an entry is not a valid host pattern (see {@link #validate})
     */
    public static HostAllowList of(Collection<String> entries) {
        Set<String> normalized = new LinkedHashSet<>();
        List<Entry> parsed = new ArrayList<>();
        for (String e : entries) {
            Entry entry = parse("allowHosts", e);
            if (normalized.add(entry.toString())) {
                parsed.add(entry);
            }
        }
        return new HostAllowList(normalized, parsed);
    }

    /**
     * Throws {@link IllegalArgumentException} naming {@code field} and {@code entry} when {@code entry} is not a
     * host pattern, or one too broad to be meant (a wildcard over a public suffix), or an address written in
     * another form than its canonical one.
     */
    public static void validate(String field, String entry) {
        parse(field, entry);
    }

    private static IllegalArgumentException bad(String field, String entry, String why) {
        return new IllegalArgumentException(field + ": host must look like " + EXAMPLES + " but was '" + entry + "': " + why);
    }

    private static Entry parse(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            throw bad(field, raw, "it is blank");
        }
        String s = raw.trim();
        String hostPart;
        String portPart = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw bad(field, raw, "an IPv6 address needs its closing bracket");
            }
            hostPart = s.substring(0, close + 1);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(field, raw, "only ':port' may follow the address");
                }
                portPart = rest.substring(1);
            }
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
                throw bad(field, raw, "an IPv6 address must be written in brackets, like '[::1]'");
            }
            hostPart = colon >= 0 ? s.substring(0, colon) : s;
            portPart = colon >= 0 ? s.substring(colon + 1) : null;
        }
        int port = -1;
        if (portPart != null) {
            if (!PORT.matcher(portPart).matches()) {
                throw bad(field, raw, "the port must be a number 1-65535");
            }
            port = Integer.parseInt(portPart);
            if (port < 1 || port > 65535) {
                throw bad(field, raw, "the port must be a number 1-65535 but was " + port);
            }
        }
        boolean wildcard = hostPart.startsWith("*.");
        String name = wildcard ? hostPart.substring(2) : hostPart;
        if (name.contains("*")) {
            throw bad(field, raw, "'*' is only allowed as the first label, as in '*.example.org'");
        }
        if (name.startsWith("[")) {
            if (wildcard) {
                throw bad(field, raw, "an address cannot have a wildcard");
            }
            return new Entry(ipv6(field, raw, name), false, port);
        }
        String host;
        try {
            host = HostNames.normalizeName(name);
        } catch (IllegalArgumentException e) {
            throw bad(field, raw, "it is not a valid host name (" + e.getMessage() + ")");
        }
        if (host.isEmpty()) {
            throw bad(field, raw, "it has no host name");
        }
        String[] labels = host.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty()) {
                throw bad(field, raw, "it has an empty label (two dots in a row, or a leading dot)");
            }
            if (label.length() > 63) {
                throw bad(field, raw, "a label is longer than 63 characters");
            }
            if (!LABEL.matcher(label).matches()) {
                throw bad(field, raw, "label '" + label + "' may hold only letters, digits and inner hyphens");
            }
        }
        if (host.length() > 253) {
            throw bad(field, raw, "the name is longer than 253 characters");
        }
        if (HostNames.endsInANumber(labels)) {
            if (wildcard) {
                throw bad(field, raw, "an address cannot have a wildcard");
            }
            String canonical = HostNames.ipv4(host);
            if (canonical == null) {
                throw bad(field, raw, "it is neither a host name (its last label is a number) nor a valid IPv4 address");
            }
            if (!canonical.equals(host)) {
                throw bad(field, raw, "it is the IPv4 address " + canonical + " written another way; write " + canonical);
            }
        } else if (wildcard && (labels.length < 2 || (labels.length == 2 && labels[1].length() == 2
                && PUBLIC_SECOND_LEVEL.contains(labels[0])))) {
            throw bad(field, raw, "the wildcard is too broad: '*." + host + "' would allow sites of anyone under a public "
                    + "suffix; name the registry's own domain, like '*.registry.example.org'");
        }
        return new Entry(host, wildcard, port);
    }

    /** {@code [address]} in RFC 5952 form (as chromium writes it); IPv4-mapped addresses are rejected. */
    private static String ipv6(String field, String raw, String bracketed) {
        String inner = bracketed.substring(1, bracketed.length() - 1).toLowerCase(Locale.ROOT);
        if (!HostNames.looksLikeIpv6(inner)) {
            throw bad(field, raw, "'" + bracketed + "' is not an IPv6 address");
        }
        String canonical = HostNames.canonicalIpv6(inner);
        if (canonical == null) {
            throw bad(field, raw, "'" + bracketed + "' is not an IPv6 address");
        }
        if (canonical.startsWith("v4:")) {
            throw bad(field, raw, "it is an IPv4 address in IPv6 form; write " + canonical.substring(3));
        }
        return canonical;
    }

    /**
     * The one normalisation of a host, for entries and for the hosts of requested URLs (see the class comment);
     * null when {@code host} is not a valid host.
     */
    public static String normalizeHost(String host) {
        return HostNames.normalizeHost(host);
    }

    public Set<String> patterns() {
        return patterns;
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /**
     * The proxy bypass list for chromium: {@code <-loopback>} (no implicit bypass of loopback and link-local
     * hosts), then every entry, names also with a trailing dot (chromium keeps it in the URL's host).
     */
    public String proxyBypassList() {
        List<String> rules = new ArrayList<>();
        rules.add("<-loopback>");
        for (Entry e : entries) {
            String port = e.port >= 0 ? ":" + e.port : "";
            String host = (e.wildcard ? "*." : "") + e.host;
            rules.add(host + port);
            if (!e.host.startsWith("[") && HostNames.ipv4(e.host) == null) {
                rules.add(host + "." + port);
            }
        }
        return String.join(",", rules);
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
        String rawHost = uri.getHost();
        int port = uri.getPort();
        if (rawHost == null && uri.getRawAuthority() != null) {
            // java.net.URI takes "127.1" or "2130706433" for no host (a name's last label must start with a
            // letter); a browser reads them as addresses: so does this, from the authority
            String authority = uri.getRawAuthority();
            String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0 && !hostPort.endsWith("]")) {
                String p = hostPort.substring(colon + 1);
                if (!PORT.matcher(p).matches()) {
                    return false;
                }
                port = Integer.parseInt(p);
                hostPort = hostPort.substring(0, colon);
            }
            rawHost = hostPort;
        }
        String host = normalizeHost(rawHost);
        if (host == null) {
            return false;
        }
        if (HostNames.ipv4(host) != null && !host.equals(rawHost)) {
            // chromium only ever shows the dotted form; another form comes from a page's link for a fetch by this
            // JVM, whose resolver may read it differently (0177.0.0.1 as 177.0.0.1, say, or 0x7f.1 through DNS)
            return false;
        }
        if (port < 0) {
            port = scheme.equals("https") ? 443 : 80;
        }
        for (Entry e : entries) {
            if (matches(e, host, port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Entry e, String host, int port) {
        if (e.port >= 0 && e.port != port) {
            return false;
        }
        if (e.wildcard) {
            return host.endsWith("." + e.host);
        }
        return e.host.equals(host);
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
