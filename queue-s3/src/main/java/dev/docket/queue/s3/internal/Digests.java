package dev.docket.queue.s3.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The digests an upload carries: SHA-256 and MD5 of a byte range, and their base64 form. */
public final class Digests {
    private Digests() {
    }

    public static byte[] sha256(byte[] b, int off, int len) {
        MessageDigest d = digest("SHA-256");
        d.update(b, off, len);
        return d.digest();
    }

    public static byte[] md5(byte[] b, int off, int len) {
        MessageDigest d = digest("MD5");
        d.update(b, off, len);
        return d.digest();
    }

    public static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    public static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by every Java platform", e);
        }
    }
}
