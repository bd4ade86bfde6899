package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.Cookie;
import dev.docket.extractor.playwright.FlowContext;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractionException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/** The {@link FlowContext} of one job. Used on the slot thread only. */
final class DefaultFlowContext implements FlowContext {
    /** Redirects followed by {@link #fetch}, each hop checked against the allow-list. */
    static final int MAX_FETCH_REDIRECTS = 5;
    private static final int BUFFER = 64 * 1024;

    private final JobRun run;
    private final Page page;
    private final PlaywrightConfig config;
    private final SlotSession session;

    DefaultFlowContext(JobRun run, Page page, PlaywrightConfig config, SlotSession session) {
        this.run = run;
        this.page = page;
        this.config = config;
        this.session = session;
    }

    private long id() {
        return run.job.id();
    }

    @Override
    public Duration remaining() {
        return run.context.remaining();
    }

    @Override
    public Duration stepTimeout() {
        return Duration.ofMillis(fetchTimeoutMillis());
    }

    @Override
    public boolean isCancelled() {
        return run.isCancelled();
    }

    @Override
    public void checkpoint() {
        if (run.violation() != null) {
            throw ExtractionException.permanent("job " + id() + ": " + run.violation());
        }
        if (run.isCancelled()) {
            throw ExtractionException.transientFailure("job " + id() + " was cancelled by the runtime (timeout or shutdown)", null);
        }
        if (remaining().isZero()) {
            throw ExtractionException.transientFailure("job " + id() + ": its deadline passed", null);
        }
        applyTimeouts();
    }

    /** Bounds the page's default timeouts by the job's remaining time. */
    void applyTimeouts() {
        long remaining = Math.max(1, remaining().toMillis());
        page.setDefaultTimeout(Math.min(config.actionTimeout().toMillis(), remaining));
        page.setDefaultNavigationTimeout(Math.min(config.navigationTimeout().toMillis(), remaining));
    }

    private long fetchTimeoutMillis() {
        return Math.max(1, Math.min(config.navigationTimeout().toMillis(), remaining().toMillis()));
    }

    @Override
    public Set<String> allowedHosts() {
        return run.allowList.patterns();
    }

    @Override
    public boolean isAllowed(String url) {
        return run.allowList.allows(url);
    }

    /**
     * Fetches with the session's cookies and user agent, from this JVM (the browser server does not see the
     * request, and the body does not travel through it): each redirect hop is checked against the allow-list
     * before it is requested, the size cap is enforced while reading, and a cancellation closes the socket.
     */
    @Override
    public Document fetch(String url, Collection<String> expectedContentTypes) {
        Set<String> expected = expected(expectedContentTypes);
        checkpoint();
        String referer = page.url();
        String current = SlotSession.resolve(referer, url);
        if (current == null) {
            throw ExtractionException.permanent("job " + id() + ": the document link '" + JobRun.shorten(url) + "' is not a valid URL");
        }
        for (int hop = 0; hop <= MAX_FETCH_REDIRECTS; hop++) {
            if (!run.allowList.allows(current)) {
                throw ExtractionException.permanent("job " + id() + ": the document URL " + JobRun.shorten(current)
                        + " is not on an allowed host for source '" + run.job.documentSource() + "' (allowed: " + run.allowList + ")");
            }
            HttpURLConnection c = open(current, referer);
            try {
                int status = c.getResponseCode();
                String location = c.getHeaderField("location");
                if (status >= 300 && status < 400 && location != null) {
                    String next = SlotSession.resolve(current, location);
                    if (next == null) {
                        throw ExtractionException.permanent("job " + id() + ": " + JobRun.shorten(current)
                                + " redirects to an invalid URL");
                    }
                    referer = current;
                    current = next;
                    continue;
                }
                if (status == 404 || status == 410) {
                    throw ExtractionException.permanent("job " + id() + ": the document is not there (HTTP " + status + " from "
                            + JobRun.shorten(current) + ")");
                }
                if (status < 200 || status >= 300) {
                    throw ExtractionException.transientFailure("job " + id() + ": HTTP " + status + " from " + JobRun.shorten(current), null);
                }
                long declared = c.getContentLengthLong();
                if (declared > config.maxDownloadBytes()) {
                    throw tooBig(declared + " bytes (declared)");
                }
                String contentType = c.getContentType();
                checkType(contentType, expected, current);
                byte[] body;
                try (InputStream in = c.getInputStream()) {
                    body = readCapped(in);
                }
                if (body.length == 0) {
                    throw ExtractionException.transientFailure("job " + id() + ": " + JobRun.shorten(current) + " answered an empty body", null);
                }
                return Document.of(body, contentType);
            } catch (IOException e) {
                if (run.isCancelled()) {
                    throw ExtractionException.transientFailure("job " + id() + " was cancelled by the runtime (timeout or shutdown)", e);
                }
                if (e instanceof SocketTimeoutException) {
                    throw ExtractionException.transientFailure("job " + id() + ": fetching " + JobRun.shorten(current) + " timed out", e);
                }
                throw ExtractionException.transientFailure("job " + id() + ": fetching " + JobRun.shorten(current) + " failed: " + e, e);
            } finally {
                run.fetching(null);
                c.disconnect();
            }
        }
        throw ExtractionException.transientFailure("job " + id() + ": more than " + MAX_FETCH_REDIRECTS
                + " redirects fetching " + JobRun.shorten(url), null);
    }

    private HttpURLConnection open(String url, String referer) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection(java.net.Proxy.NO_PROXY);
            int timeout = (int) Math.min(Integer.MAX_VALUE, fetchTimeoutMillis());
            c.setConnectTimeout(timeout);
            c.setReadTimeout(timeout);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestProperty("Accept", "*/*");
            c.setRequestProperty("User-Agent", session.userAgent());
            if (referer != null && (referer.startsWith("http:") || referer.startsWith("https:"))) {
                c.setRequestProperty("Referer", referer);
            }
            StringBuilder cookies = new StringBuilder();
            for (Cookie cookie : page.context().cookies(url)) {
                if (cookies.length() > 0) {
                    cookies.append("; ");
                }
                cookies.append(cookie.name).append('=').append(cookie.value);
            }
            if (cookies.length() > 0) {
                c.setRequestProperty("Cookie", cookies.toString());
            }
            run.fetching(c);
            if (run.isCancelled()) {
                throw ExtractionException.transientFailure("job " + id() + " was cancelled by the runtime (timeout or shutdown)", null);
            }
            return c;
        } catch (IOException | IllegalArgumentException e) {
            throw ExtractionException.permanent("job " + id() + ": cannot fetch " + JobRun.shorten(url) + ": " + e);
        }
    }

    private byte[] readCapped(InputStream in) throws IOException {
        long cap = config.maxDownloadBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > cap) {
                throw tooBig("more than " + cap + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Override
    public Document download(Runnable trigger, Collection<String> expectedContentTypes) {
        Set<String> expected = expected(expectedContentTypes);
        checkpoint();
        Download download;
        // the download's declared content type comes from its response: listened to only while waiting for it
        Consumer<Response> remember = response -> {
            try {
                String type = response.headers().get("content-type");
                if (type != null) {
                    run.rememberContentType(response.url(), type);
                }
            } catch (PlaywrightException e) {
                // the page went away; the type is sniffed instead
            }
        };
        page.context().onResponse(remember);
        try {
            download = page.waitForDownload(new Page.WaitForDownloadOptions().setTimeout(fetchTimeoutMillis()), trigger);
        } catch (TimeoutError e) {
            checkpoint();
            throw ExtractionException.transientFailure("job " + id() + ": no download started within the timeout", e);
        } finally {
            page.context().offResponse(remember);
        }
        try {
            String url = download.url();
            if (!run.allowList.allows(url)) {
                throw ExtractionException.permanent("job " + id() + ": the download came from " + JobRun.shorten(url)
                        + ", which is not an allowed host for source '" + run.job.documentSource() + "'");
            }
            String failure = download.failure();
            if (failure != null) {
                throw ExtractionException.transientFailure("job " + id() + ": the download failed: " + failure, null);
            }
            byte[] bytes = readCapped(download);
            String contentType = run.contentTypeOf(url);
            if (contentType == null) {
                contentType = sniff(bytes);
            }
            checkType(contentType, expected, url);
            if (bytes.length == 0) {
                throw ExtractionException.transientFailure("job " + id() + ": the download was empty", null);
            }
            return Document.of(bytes, contentType);
        } finally {
            try {
                download.delete();
            } catch (PlaywrightException e) {
                // the context may be gone (cancel); Playwright removes its files when the driver exits
            }
        }
    }

    private byte[] readCapped(Download download) {
        try (InputStream in = download.createReadStream()) {
            if (in == null) {
                throw ExtractionException.transientFailure("job " + id() + ": the download has no content", null);
            }
            return readCapped(in);
        } catch (IOException e) {
            throw ExtractionException.transientFailure("job " + id() + ": reading the download failed: " + e, e);
        }
    }

    private ExtractionException tooBig(String size) {
        return ExtractionException.permanent("job " + id() + ": the document is " + size + ", over the limit of "
                + config.maxDownloadBytes() + " bytes (PlaywrightConfig.maxDownloadBytes)");
    }

    private void checkType(String contentType, Set<String> expected, String url) {
        String media = mediaType(contentType);
        if (media == null || !expected.contains(media)) {
            throw ExtractionException.permanent("job " + id() + ": " + JobRun.shorten(url) + " has content type '"
                    + (contentType == null ? "(none)" : JobRun.shorten(contentType)) + "', expected one of " + expected);
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        String base = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
        return base.isEmpty() ? null : base;
    }

    private static Set<String> expected(Collection<String> types) {
        if (types == null || types.isEmpty()) {
            throw new IllegalArgumentException("expectedContentTypes must name at least one media type but was " + types);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : types) {
            String m = mediaType(t);
            if (m == null) {
                throw new IllegalArgumentException("expectedContentTypes must not contain blank types but was " + types);
            }
            out.add(m);
        }
        return out;
    }

    /** Content type from the first bytes, for downloads whose response was not seen. */
    static String sniff(byte[] b) {
        if (startsWith(b, '%', 'P', 'D', 'F', '-')) {
            return "application/pdf";
        }
        if (startsWith(b, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(b, 'P', 'K', 3, 4)) {
            return "application/zip";
        }
        return "application/octet-stream";
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int slot() {
        return run.context.slot();
    }

    @Override
    public int attempt() {
        return run.context.attempt();
    }
}
