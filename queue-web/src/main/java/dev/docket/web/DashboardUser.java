package dev.docket.web;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who made a request, as an {@link DashboardAuth} established it. The name is what the jobs' history records
 * for the actions this user runs ({@code dashboard:<name>}).
 *
 * @param name 1-64 characters out of letters, digits and {@code . _ @ -}
 * @param role what the user may do
 */
public record DashboardUser(String name, DashboardRole role) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    /**
     * @throws IllegalArgumentException when the name is not 1-64 of letters, digits and {@code . _ @ -}
     * @throws NullPointerException     when the role is null
     */
    public DashboardUser {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user name must be 1-64 of letters, digits and . _ @ - but was "
                    + (name == null ? "null" : "'" + name.replaceAll("[^\\x20-\\x7e]", "?") + "'"));
        }
        Objects.requireNonNull(role, "role");
    }

    /** The actor recorded in a job's history for this user's actions. */
    public String actor() {
        return "dashboard:" + name;
    }
}
