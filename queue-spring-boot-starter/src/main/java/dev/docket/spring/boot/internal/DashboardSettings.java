package dev.docket.spring.boot.internal;

import dev.docket.spring.boot.DocketDashboardProperties;
import dev.docket.web.DashboardAuth;
import dev.docket.web.DocketDashboard;
import java.util.Map;
import java.util.Set;
import org.springframework.core.env.Environment;

/** {@code docket.dashboard.*} to a started {@link DocketDashboard}, each refusal naming its property. Not part of the API. */
public final class DashboardSettings {
    private static final String PREFIX = "docket.dashboard.";
    private static final Set<String> PROPERTIES = Set.of("port", "bind", "refresh", "auth");

    private DashboardSettings() {
    }

    /**
     * Applies the settings and starts the dashboard.
     *
     * @param bean the application's {@link DashboardAuth} bean, or null: {@code auth} and its properties
     */
    public static DocketDashboard start(DocketDashboard.Builder b, DocketDashboardProperties p, DashboardAuth bean,
            Environment environment) {
        b.port(p.getPort()).bind(p.getBind()).refresh(p.getRefresh());
        b.auth(bean != null ? bean : auth(p));
        try {
            return b.start();
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            if (message.startsWith("bind ") && message.contains("signs nobody in")) {
                // a non-loopback bind with auth none: the bind is what to change, or the auth
                throw PropertyChecks.invalid(PREFIX + "bind", p.getBind(), message
                        + " (Spring Boot: set docket.dashboard.auth=basic or bearer)");
            }
            throw PropertyChecks.fromBuild(PREFIX, e, PROPERTIES, Map.of(), environment);
        }
    }

    private static DashboardAuth auth(DocketDashboardProperties p) {
        DocketDashboardProperties.Auth kind = p.getAuth() == null ? DocketDashboardProperties.Auth.NONE : p.getAuth();
        switch (kind) {
            case BEARER:
                try {
                    return DashboardAuth.bearer(p.getToken(), p.getRole());
                } catch (IllegalArgumentException e) {
                    throw PropertyChecks.invalid(PREFIX + "token", p.getToken() == null ? null : "(hidden)",
                            e.getMessage());
                }
            case BASIC:
                if (p.getUsers().isEmpty()) {
                    throw PropertyChecks.invalid(PREFIX + "users", null,
                            "auth basic needs at least one user (docket.dashboard.users.<name>.password-hash)");
                }
                DashboardAuth.BasicBuilder basic = DashboardAuth.basic();
                p.getUsers().forEach((name, user) -> {
                    try {
                        basic.user(name, user.getPasswordHash(), user.getRole());
                    } catch (IllegalArgumentException e) {
                        throw PropertyChecks.invalid(PREFIX + "users." + name + ".password-hash",
                                user.getPasswordHash() == null ? null : "(hidden)", e.getMessage());
                    }
                });
                return basic.build();
            default:
                return DashboardAuth.none(p.getRole());
        }
    }
}
