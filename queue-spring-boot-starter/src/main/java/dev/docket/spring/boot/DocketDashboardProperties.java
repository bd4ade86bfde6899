package dev.docket.spring.boot;

import dev.docket.web.DashboardRole;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code docket.dashboard.*} properties: the {@code queue-web} dashboard, started on the application's store
 * when {@code enabled} and {@code queue-web} is on the classpath. A {@code DashboardAuth} bean wins over
 * {@code auth}, {@code role}, {@code token} and {@code users}.
 */
@ConfigurationProperties(prefix = "docket.dashboard")
public class DocketDashboardProperties {
    /** How the dashboard signs people in. */
    public enum Auth {
        /** Nobody: everyone gets the role; loopback bind and loopback clients only. */
        NONE,
        /** HTTP Basic, the users of docket.dashboard.users with PBKDF2 password hashes. */
        BASIC,
        /** Authorization: Bearer docket.dashboard.token, with the role. */
        BEARER
    }

    /** Whether the dashboard runs (needs dev.docket:queue-web on the classpath). */
    private boolean enabled = false;

    /** The TCP port (0-65535, 0: any free one); not 8080, the application's own server port. */
    private int port = 8090;

    /** The address to listen on; other than loopback it needs auth basic or bearer. */
    private String bind = "127.0.0.1";

    /** How sign-in works: none (loopback only), basic or bearer. */
    private Auth auth = Auth.NONE;

    /** The role of everyone with auth none, and of the token's bearer with auth bearer. */
    private DashboardRole role = DashboardRole.READ_ONLY;

    /** The bearer token (at least 16 characters) with auth bearer; pass it from a secret, never commit it. */
    private String token;

    /** The users of auth basic, by name. */
    private final Map<String, User> users = new LinkedHashMap<>();

    /** How often the overview refreshes itself in the browser (1s to 1h). */
    private Duration refresh = Duration.ofSeconds(2);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getBind() {
        return bind;
    }

    public void setBind(String bind) {
        this.bind = bind;
    }

    public Auth getAuth() {
        return auth;
    }

    public void setAuth(Auth auth) {
        this.auth = auth;
    }

    public DashboardRole getRole() {
        return role;
    }

    public void setRole(DashboardRole role) {
        this.role = role;
    }

    public String getToken() {
        return token;
    }

    public void setToken(String token) {
        this.token = token;
    }

    public Map<String, User> getUsers() {
        return users;
    }

    public Duration getRefresh() {
        return refresh;
    }

    public void setRefresh(Duration refresh) {
        this.refresh = refresh;
    }

    /** {@code docket.dashboard.users.<name>.*}: one HTTP Basic user. */
    public static class User {
        /**
         * The password's PBKDF2 hash, pbkdf2-sha256$iterations$salt$hash, from DashboardAuth.hashPassword;
         * never the password itself.
         */
        private String passwordHash;

        /** The user's role. */
        private DashboardRole role = DashboardRole.READ_ONLY;

        public String getPasswordHash() {
            return passwordHash;
        }

        public void setPasswordHash(String passwordHash) {
            this.passwordHash = passwordHash;
        }

        public DashboardRole getRole() {
            return role;
        }

        public void setRole(DashboardRole role) {
            this.role = role;
        }
    }
}
