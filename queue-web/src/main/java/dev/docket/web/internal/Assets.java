package dev.docket.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;

/** The static files, all from this jar's classpath: the dashboard's own and uPlot's WebJar. */
public final class Assets {
    static final String UPLOT_VERSION = uplotVersion();
    static final String UPLOT_JS = "/assets/uplot/" + UPLOT_VERSION + "/uPlot.iife.min.js";
    static final String UPLOT_CSS = "/assets/uplot/" + UPLOT_VERSION + "/uPlot.min.css";
    /** Path → classpath resource: a fixed list, so no request can name another resource. */
    private static final Map<String, String> FILES = Map.of(
            "/assets/dashboard.js", "/dev/docket/web/assets/dashboard.js",
            "/assets/dashboard.css", "/dev/docket/web/assets/dashboard.css",
            UPLOT_JS, "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/uPlot.iife.min.js",
            UPLOT_CSS, "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/uPlot.min.css");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    private static String uplotVersion() {
        Properties p = new Properties();
        try (InputStream in = Assets.class.getResourceAsStream("/dev/docket/web/assets.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/docket/web/assets.properties is missing from queue-web's jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dev/docket/web/assets.properties", e);
        }
        return p.getProperty("uplot.version");
    }

    /** The GET handler of {@code /assets/...}. */
    void serve(Request r, Matcher m) throws IOException {
        String resource = FILES.get(r.path());
        if (resource == null) {
            throw WebException.notFound("no such asset");
        }
        byte[] body = cache.computeIfAbsent(resource, Assets::load);
        String type = resource.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        r.exchange().getResponseHeaders().set("Cache-Control", "public, max-age=3600");
        Response.send(r.exchange(), 200, type, body);
    }

    private static byte[] load(String resource) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("asset " + resource + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read asset " + resource, e);
        }
    }
}
