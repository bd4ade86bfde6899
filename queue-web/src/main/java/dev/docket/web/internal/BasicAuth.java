package dev.docket.web.internal;

import dev.docket.web.DashboardAuth;
import dev.docket.web.DashboardRole;
import dev.docket.web.DashboardUser;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP Basic against PBKDF2 hashes. A hash takes ~0.3 s to check, so a successful check is remembered (by the
 * SHA-256 of the header) for the server's lifetime, up to {@link #CACHE_SIZE} entries.
 */
public final class BasicAuth implements DashboardAuth {
    static final int CACHE_SIZE = 64;
    /** Longest header looked at: a longer one names nobody. */
    private static final int MAX_HEADER = 1024;
    private final Map<String, String> hashes;
    private final Map<String, DashboardRole> roles;
    private final Map<String, DashboardUser> verified = new ConcurrentHashMap<>();

    public BasicAuth(Map<String, String> hashes, Map<String, DashboardRole> roles) {
        this.hashes = Map.copyOf(hashes);
        this.roles = Map.copyOf(roles);
    }

    @Override
    public Optional<DashboardUser> authenticate(String authorization) {
        if (authorization == null || authorization.length() > MAX_HEADER
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String key = Base64.getEncoder().encodeToString(
                Passwords.sha256(authorization.getBytes(StandardCharsets.UTF_8)));
        DashboardUser known = verified.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        char[] decoded;
        try {
            byte[] raw = Base64.getDecoder().decode(authorization.substring(6).trim());
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw));
            decoded = new char[chars.remaining()];
            chars.get(decoded);
            Arrays.fill(raw, (byte) 0);
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return Optional.empty();
        }
        try {
            int colon = -1;
            for (int i = 0; i < decoded.length; i++) {
                if (decoded[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon <= 0) {
                return Optional.empty();
            }
            String name = new String(decoded, 0, colon);
            String hash = hashes.get(name);
            char[] password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
            try {
                if (hash == null || !Passwords.matches(password, hash)) {
                    return Optional.empty();
                }
            } finally {
                Arrays.fill(password, '\0');
            }
            DashboardUser user = new DashboardUser(name, roles.get(name));
            if (verified.size() < CACHE_SIZE) {
                verified.put(key, user);
            }
            return Optional.of(user);
        } finally {
            Arrays.fill(decoded, '\0');
        }
    }

    @Override
    public String challenge() {
        return "Basic realm=\"docket\", charset=\"UTF-8\"";
    }

    @Override
    public String toString() {
        return "basic(" + hashes.keySet() + ")";
    }
}
