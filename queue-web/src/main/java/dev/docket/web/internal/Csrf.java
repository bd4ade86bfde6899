package dev.docket.web.internal;

import dev.docket.web.DashboardUser;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens: an HMAC of the user's name and role under a key drawn when the server starts, so a token is
 * valid for one user until the dashboard restarts, and another site (which cannot read our pages) cannot know it.
 */
public final class Csrf {
    /** The form field that carries the token. */
    public static final String FIELD = "csrf";
    private final SecretKeySpec key;

    public Csrf() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    public String token(DashboardUser user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] tag = mac.doFinal((user.name() + "\n" + user.role()).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    /** True when {@code given} is this user's token (constant time). */
    public boolean valid(DashboardUser user, String given) {
        return given != null && MessageDigest.isEqual(token(user).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    /** The hidden form field with this user's token. */
    public String field(DashboardUser user) {
        return "<input type=\"hidden\" name=\"" + FIELD + "\" value=\"" + Html.esc(token(user)) + "\">";
    }
}
