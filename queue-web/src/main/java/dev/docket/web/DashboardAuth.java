package dev.docket.web;

import dev.docket.web.internal.Passwords;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the dashboard tells who is asking. Pluggable: implement {@link #authenticate(String)} for your own
 * scheme, or use one of the three built in:
 * <ul>
 *   <li>{@link #none()} (the default): nobody signs in, everyone is {@link DashboardRole#READ_ONLY}; only
 *       allowed when the dashboard binds to a loopback address, and requests from elsewhere are refused;</li>
 *   <li>{@link #basic()}: HTTP Basic against users whose passwords are stored as PBKDF2 hashes
 *       ({@link #hashPassword(char[])});</li>
 *   <li>{@link #bearer(String, DashboardRole)}: an {@code Authorization: Bearer} token (for a reverse proxy
 *       or a script), kept only as its SHA-256.</li>
 * </ul>
 * Implementations must be thread-safe and must not log or echo credentials.
 */
public interface DashboardAuth {

    /**
     * The user the request's {@code Authorization} header names, or empty when it names nobody (answered 401
     * with {@link #challenge()}).
     *
     * @param authorization the header's value, or null when absent
     */
    Optional<DashboardUser> authenticate(String authorization);

    /** The {@code WWW-Authenticate} value of a 401, or null for none. */
    default String challenge() {
        return null;
    }

    /** True when this scheme is only safe on a loopback address (the dashboard refuses another bind). */
    default boolean loopbackOnly() {
        return false;
    }

    /** No sign-in, read-only, loopback only. */
    static DashboardAuth none() {
        return none(DashboardRole.READ_ONLY);
    }

    /**
     * No sign-in, everyone with {@code role}, loopback only: for a dashboard on an operator's own machine
     * (what {@code docket dashboard} does). Anyone who can reach the loopback address gets the role.
     */
    static DashboardAuth none(DashboardRole role) {
        DashboardUser user = new DashboardUser("local", role);
        return new DashboardAuth() {
            @Override
            public Optional<DashboardUser> authenticate(String authorization) {
                return Optional.of(user);
            }

            @Override
            public boolean loopbackOnly() {
                return true;
            }

            @Override
            public String toString() {
                return "none(" + role + ", loopback only)";
            }
        };
    }

    /** HTTP Basic users; see {@link BasicBuilder}. */
    static BasicBuilder basic() {
        return new BasicBuilder();
    }

    /**
     * A bearer token: requests with {@code Authorization: Bearer <token>} are the user {@code token} with
     * {@code role}. Only the token's SHA-256 is kept.
     *
     * @throws IllegalArgumentException when the token is shorter than 16 characters
     */
    static DashboardAuth bearer(String token, DashboardRole role) {
        Objects.requireNonNull(role, "role");
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("bearer token must be at least 16 characters but was "
                    + (token == null ? "null" : token.length() + " characters"));
        }
        byte[] expected = Passwords.sha256(token.getBytes(StandardCharsets.UTF_8));
        DashboardUser user = new DashboardUser("token", role);
        return new DashboardAuth() {
            @Override
            public Optional<DashboardUser> authenticate(String authorization) {
                if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    return Optional.empty();
                }
                byte[] got = Passwords.sha256(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
                return MessageDigest.isEqual(expected, got) ? Optional.of(user) : Optional.empty();
            }

            @Override
            public String challenge() {
                return "Bearer realm=\"docket\"";
            }

            @Override
            public String toString() {
                return "bearer(" + role + ")";
            }
        };
    }

    /**
     * A password hash for {@link BasicBuilder#user(String, String, DashboardRole)}: PBKDF2-HMAC-SHA256 with a
     * random salt, as {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}. The array is not cleared.
     */
    static String hashPassword(char[] password) {
        return Passwords.hash(password);
    }

    /** Builds HTTP Basic authentication. Not thread-safe; {@link #build()} validates. */
    final class BasicBuilder {
        private final Map<String, String> hashes = new LinkedHashMap<>();
        private final Map<String, DashboardRole> roles = new LinkedHashMap<>();

        private BasicBuilder() {
        }

        /**
         * Adds a user.
         *
         * @param passwordHash from {@link DashboardAuth#hashPassword(char[])}
         * @throws IllegalArgumentException when the name is invalid or taken or the hash is not one
         */
        public BasicBuilder user(String name, String passwordHash, DashboardRole role) {
            DashboardUser user = new DashboardUser(name, role);
            Passwords.requireHash("passwordHash of user " + name, passwordHash);
            if (hashes.putIfAbsent(user.name(), passwordHash) != null) {
                throw new IllegalArgumentException("user " + name + " is given twice");
            }
            roles.put(user.name(), role);
            return this;
        }

        /** @throws IllegalStateException when no user was added */
        public DashboardAuth build() {
            if (hashes.isEmpty()) {
                throw new IllegalStateException("basic authentication needs at least one user");
            }
            return new dev.docket.web.internal.BasicAuth(hashes, roles);
        }
    }
}
