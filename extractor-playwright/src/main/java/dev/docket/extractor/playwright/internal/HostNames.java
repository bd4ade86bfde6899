package dev.docket.extractor.playwright.internal;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The host forms {@link HostAllowList} reads: names (lower case, ASCII form of international names), IPv4
 * addresses as the URL standard parses them, IPv6 literals in RFC 5952 form. Nothing here looks a name up.
 */
final class HostNames {
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:.]+");

    private HostNames() {
    }

    /** True when {@code inner} (lower case, without brackets) has only the characters of an IPv6 literal. */
    static boolean looksLikeIpv6(String inner) {
        return IPV6_CHARS.matcher(inner).matches() && inner.contains(":");
    }

    /** Lower case, one trailing dot removed, ASCII form of an international name. */
    static String normalizeName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        for (int i = 0; i < n.length(); i++) {
            if (n.charAt(i) > 0x7F) {
                return IDN.toASCII(n, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            }
        }
        return n;
    }

    /** The URL standard's rule: a host whose last label is a number is an IPv4 address (or invalid). */
    static boolean endsInANumber(String[] labels) {
        String last = labels[labels.length - 1];
        if (last.isEmpty()) {
            return false;
        }
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        return last.startsWith("0x") && last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** The dotted form of an IPv4 host as the URL standard parses it (decimal, 0x hex, 0 octal parts), or null. */
    static String ipv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] numbers = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            int radix = 10;
            if (p.startsWith("0x")) {
                radix = 16;
                p = p.substring(2);
            } else if (p.length() > 1 && p.startsWith("0")) {
                radix = 8;
                p = p.substring(1);
            }
            if (p.isEmpty()) {
                numbers[i] = 0;
                continue;
            }
            if (p.length() > 12) {
                return null;
            }
            try {
                numbers[i] = Long.parseLong(p, radix);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        long value = 0;
        for (int i = 0; i < numbers.length - 1; i++) {
            if (numbers[i] > 255) {
                return null;
            }
            value = (value << 8) | numbers[i];
        }
        long last = numbers[numbers.length - 1];
        int lastBits = 8 * (5 - numbers.length);
        if (last >= (1L << lastBits)) {
            return null;
        }
        value = (value << lastBits) | last;
        return ((value >> 24) & 255) + "." + ((value >> 16) & 255) + "." + ((value >> 8) & 255) + "." + (value & 255);
    }

    /** {@code [rfc5952]}, {@code v4:a.b.c.d} for an IPv4-mapped address, or null when not an IPv6 literal. */
    static String canonicalIpv6(String literal) {
        InetAddress address;
        try {
            // a literal (only hex digits, colons and dots) is parsed, never looked up
            address = InetAddress.getByName("[" + literal + "]");
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
        if (address instanceof Inet4Address) {
            return "v4:" + address.getHostAddress();
        }
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            sb.append(Integer.toHexString(groups[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.append(']').toString();
    }

    /**
     * The one normalisation of a host, for entries and for the hosts of requested URLs (see the class comment);
     * null when {@code host} is not a valid host.
     */
    public static String normalizeHost(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        if (host.startsWith("[")) {
            if (!host.endsWith("]")) {
                return null;
            }
            String inner = host.substring(1, host.length() - 1).toLowerCase(Locale.ROOT);
            if (!looksLikeIpv6(inner)) {
                return null;
            }
            String canonical = canonicalIpv6(inner);
            return canonical == null ? null : canonical.startsWith("v4:") ? canonical.substring(3) : canonical;
        }
        String n;
        try {
            n = normalizeName(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (n.isEmpty()) {
            return null;
        }
        String[] labels = n.split("\\.", -1);
        if (endsInANumber(labels)) {
            return ipv4(n);
        }
        return n;
    }
}
