package dev.docket.web.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.docket.queue.JobNotFoundException;
import dev.docket.queue.StoreException;
import dev.docket.web.DashboardAuth;
import dev.docket.web.DashboardUser;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request goes through here, in this order: size and host checks, authentication, the route, and for a
 * POST the operator role, the Origin and the CSRF token. Every failure is a status with a one-line message.
 */
public final class Dispatcher implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_PATH = 256;
    private static final Pattern LOOPBACK_HOST = Pattern.compile("(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?");
    private final DashboardAuth auth;
    private final Csrf csrf;
    private final List<Route> routes = new ArrayList<>();

    /** What a route does with a request; {@code m} holds the path's groups. */
    @FunctionalInterface
    public interface Handler {
        void handle(Request r, Matcher m) throws IOException;
    }

    private record Route(String method, Pattern path, Handler handler) {
    }

    public Dispatcher(DashboardAuth auth, Csrf csrf) {
        this.auth = auth;
        this.csrf = csrf;
    }

    /** A page or read: GET (and HEAD). */
    public Dispatcher get(String pathRegex, Handler h) {
        routes.add(new Route("GET", Pattern.compile(pathRegex), h));
        return this;
    }

    /** An action: POST, operator role, same Origin, CSRF token. */
    public Dispatcher post(String pathRegex, Handler h) {
        routes.add(new Route("POST", Pattern.compile(pathRegex), h));
        return this;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            DashboardUser user = admit(ex);
            dispatch(ex, user);
        } catch (WebException e) {
            fail(ex, e.status(), e.getMessage());
        } catch (JobNotFoundException e) {
            fail(ex, 404, e.getMessage());
        } catch (IllegalStateException e) {
            fail(ex, 409, e.getMessage());
        } catch (IllegalArgumentException e) {
            fail(ex, 400, e.getMessage());
        } catch (StoreException e) {
            log.warn("dashboard: {} {}: the store failed: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    e.getMessage());
            fail(ex, 503, "the database did not answer: " + e.getMessage());
        } catch (IOException e) {
            log.debug("dashboard: {} {}: connection closed: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    e.toString());
            ex.close();
        } catch (RuntimeException e) {
            log.error("dashboard: {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            fail(ex, 500, "internal error (the dashboard's log has the details)");
        }
    }

    private DashboardUser admit(HttpExchange ex) {
        String rawPath = ex.getRequestURI().getRawPath();
        if (rawPath == null || rawPath.length() > MAX_PATH) {
            throw new WebException(414, "the path is longer than " + MAX_PATH + " characters");
        }
        if (auth.loopbackOnly()) {
            InetAddress remote = ex.getRemoteAddress().getAddress();
            if (remote == null || !remote.isLoopbackAddress()) {
                throw WebException.forbidden("this dashboard has no sign-in, so it answers only on the loopback address");
            }
            String host = ex.getRequestHeaders().getFirst("Host");
            if (host == null || !LOOPBACK_HOST.matcher(host.toLowerCase(Locale.ROOT)).matches()) {
                // DNS rebinding: a page of another site that resolves its name to 127.0.0.1
                throw new WebException(421, "this dashboard has no sign-in, so it answers only to 127.0.0.1, localhost"
                        + " or [::1] in the Host header");
            }
        }
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        return auth.authenticate(authorization).orElseThrow(() -> {
            String challenge = auth.challenge();
            if (challenge != null) {
                ex.getResponseHeaders().set("WWW-Authenticate", challenge);
            }
            return new WebException(401, "sign in to see this dashboard");
        });
    }

    private void dispatch(HttpExchange ex, DashboardUser user) throws IOException {
        String method = ex.getRequestMethod();
        String lookup = "HEAD".equals(method) ? "GET" : method;
        String path = ex.getRequestURI().getPath();
        boolean pathKnown = false;
        for (Route route : routes) {
            Matcher m = route.path.matcher(path);
            if (!m.matches()) {
                continue;
            }
            pathKnown = true;
            if (!route.method.equals(lookup)) {
                continue;
            }
            if ("POST".equals(route.method)) {
                checkAction(ex, user);
            }
            Request r = new Request(ex, user);
            if ("POST".equals(route.method) && !csrf.valid(user, r.param(Csrf.FIELD).orElse(null))) {
                throw WebException.forbidden("the form's CSRF token is missing or wrong: reload the page and try again");
            }
            route.handler.handle(r, m);
            return;
        }
        if (pathKnown) {
            ex.getResponseHeaders().set("Allow", "POST".equals(lookup) ? "GET, HEAD" : "POST");
            throw new WebException(405, method + " is not allowed here");
        }
        throw WebException.notFound("no such page");
    }

    /** The role and the Origin of an action (the token is checked once the body is read). */
    private static void checkAction(HttpExchange ex, DashboardUser user) {
        if (!user.role().mayAct()) {
            throw WebException.forbidden("user " + user.name() + " is " + user.role()
                    + ": actions need the OPERATOR role");
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (origin == null || host == null || !(origin.equalsIgnoreCase("http://" + host)
                || origin.equalsIgnoreCase("https://" + host))) {
            throw WebException.forbidden("actions are only accepted from this dashboard's own pages (the Origin header"
                    + " is missing or names another site)");
        }
        String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            throw WebException.forbidden("actions are only accepted from this dashboard's own pages (Sec-Fetch-Site "
                    + Html.clip(site, 20) + ")");
        }
    }

    private static void fail(HttpExchange ex, int status, String message) throws IOException {
        String text = message == null ? "error" : message;
        if (ex.getRequestURI().getPath().startsWith("/api/")) {
            Response.text(ex, status, text);
        } else {
            Response.html(ex, status, Layout.errorPage(status, text));
        }
    }
}
