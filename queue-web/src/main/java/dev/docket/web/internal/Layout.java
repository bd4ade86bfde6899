package dev.docket.web.internal;

import dev.docket.web.DashboardUser;

/** The page shell: head with the assets (no inline script or style), navigation, who is signed in. */
public final class Layout {
    /** The views in the navigation, in order: {path, title}. */
    static final String[][] NAV = {
        {"/", "Overview"}, {"/workers", "Workers"}, {"/sources", "Sources"}, {"/jobs", "Jobs"}, {"/stuck", "Stuck jobs"}};

    private Layout() {
    }

    /** A full page: {@code body} is HTML already escaped by its view. */
    public static String page(String title, String active, DashboardUser user, String body) {
        StringBuilder b = new StringBuilder(body.length() + 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Html.esc(title)).append(" · Docket</title>")
                .append("<link rel=\"stylesheet\" href=\"").append(Assets.UPLOT_CSS).append("\">")
                .append("<link rel=\"stylesheet\" href=\"/assets/dashboard.css\">")
                .append("<script src=\"").append(Assets.UPLOT_JS).append("\" defer></script>")
                .append("<script src=\"/assets/dashboard.js\" defer></script>")
                .append("</head><body><header><span class=\"brand\">Docket</span><nav>");
        for (String[] item : NAV) {
            b.append("<a href=\"").append(item[0]).append('"')
                    .append(item[0].equals(active) ? " class=\"active\" aria-current=\"page\"" : "").append('>')
                    .append(Html.esc(item[1])).append("</a>");
        }
        b.append("</nav><span class=\"user\">");
        if (user != null) {
            b.append(Html.esc(user.name())).append(" · ").append(user.role() == dev.docket.web.DashboardRole.OPERATOR
                    ? "operator" : "read-only");
        }
        b.append("</span></header><main>").append(body).append("</main></body></html>\n");
        return b.toString();
    }

    static String errorPage(int status, String message) {
        return page("Error " + status, "", null, "<h1>Error " + status + "</h1><p class=\"error\" id=\"error\">"
                + Html.esc(message) + "</p><p><a href=\"/\">Back to the overview</a></p>");
    }
}
