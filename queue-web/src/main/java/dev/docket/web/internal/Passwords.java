package dev.docket.web.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** PBKDF2 password hashes ({@code pbkdf2-sha256$iterations$salt$hash}) and SHA-256. */
public final class Passwords {
    /** The iterations of a new hash (OWASP 2023 guidance for PBKDF2-HMAC-SHA256). */
    static final int ITERATIONS = 600_000;
    private static final Pattern FORMAT = Pattern.compile("pbkdf2-sha256\\$([0-9]{4,7})\\$([A-Za-z0-9+/=]{16,64})"
            + "\\$([A-Za-z0-9+/=]{43,44})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    public static String hash(char[] password) {
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("password must not be empty");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "pbkdf2-sha256$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    /** @throws IllegalArgumentException naming {@code what} when {@code hash} is not one of {@link #hash} */
    public static void requireHash(String what, String hash) {
        if (hash == null || !FORMAT.matcher(hash).matches()) {
            throw new IllegalArgumentException(what + " must be a hash made by DashboardAuth.hashPassword"
                    + " (pbkdf2-sha256$iterations$salt$hash), not a password");
        }
    }

    /** True when {@code password} matches {@code hash}, in time independent of where they differ. */
    public static boolean matches(char[] password, String hash) {
        Matcher m = FORMAT.matcher(hash);
        if (!m.matches()) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(m.group(2));
        byte[] expected = Base64.getDecoder().decode(m.group(3));
        return MessageDigest.isEqual(expected, pbkdf2(password, salt, Integer.parseInt(m.group(1))));
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
