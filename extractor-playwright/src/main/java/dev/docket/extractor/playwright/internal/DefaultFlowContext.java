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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/** The {@link FlowContext} of one job. Used on the slot thread only. */
final class DefaultFlowContext implements FlowContext {
    private static final Logger log = LoggerFactory.getLogger(DefaultFlowContext.class);
    /** Redirects followed by {@link #fetch}, each hop checked against the allow-list. */
    static final int MAX_FETCH_REDIRECTS = 5;
    private static final int BUFFER = 64 * 1024;

    private final JobRun run;
    private final Page page;
    private final PlaywrightConfig config;
    private final BrowserSession session;

    DefaultFlowContext(JobRun run, Page page, PlaywrightConfig config, BrowserSession session) {
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
        String current = Urls.resolve(referer, url);
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
                    String next = Urls.resolve(current, location);
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
                String header = c.getContentType();
                String contentType = header == null ? null : cleanType(header, current);
                if (contentType != null) {
                    checkType(contentType, expected, current);
                }
                byte[] body;
                try (InputStream in = decoded(c.getInputStream(), c.getContentEncoding(), current)) {
                    body = readCapped(in);
                }
                if (body.length == 0) {
                    throw ExtractionException.transientFailure("job " + id() + ": " + JobRun.shorten(current) + " answered an empty body", null);
                }
                if (contentType == null) {
                    contentType = MediaTypes.sniff(body);
                    checkType(contentType, expected, current);
                }
                checkBytes(contentType, body, current);
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
            c.setRequestProperty("Accept-Encoding", "gzip, deflate");
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

    /**
     * The body decoded by its {@code Content-Encoding} (gzip or deflate; a browser download is decoded by
     * chromium), with its encoded bytes capped too: {@link #readCapped} then counts the decoded bytes, so a small
     * body that expands hugely stops at the cap.
     */
    private InputStream decoded(InputStream raw, String encoding, String url) throws IOException {
        String e = encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
        if (e.isEmpty() || e.equals("identity")) {
            return raw;
        }
        InputStream capped = new CappedInputStream(raw, config.maxDownloadBytes(), "compressed");
        switch (e) {
            case "gzip":
            case "x-gzip":
                return new GZIPInputStream(capped, BUFFER);
            case "deflate":
                PushbackInputStream in = new PushbackInputStream(capped, 2);
                byte[] head = in.readNBytes(2);
                in.unread(head);
                // RFC 9110 deflate is zlib-wrapped; some servers send raw deflate
                boolean zlib = head.length == 2 && (head[0] & 0x0F) == 8 && (((head[0] & 0xFF) << 8) | (head[1] & 0xFF)) % 31 == 0;
                return new InflaterInputStream(in, new Inflater(!zlib), BUFFER);
            default:
                throw ExtractionException.permanent("job " + id() + ": " + JobRun.shorten(url) + " sent the document with "
                        + "Content-Encoding '" + MediaTypes.printable(encoding) + "', which Docket cannot decode (it accepts gzip and deflate)");
        }
    }

    /** Fails the read with {@link #tooBig} once more than {@code cap} bytes came through. */
    private final class CappedInputStream extends FilterInputStream {
        private final long cap;
        private final String what;
        private long count;

        CappedInputStream(InputStream in, long cap, String what) {
            super(in);
            this.cap = cap;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) {
            count += n;
            if (count > cap) {
                throw tooBig("more than " + cap + " bytes " + what);
            }
        }
    }

    private byte[] readCapped(InputStream in) throws IOException {
        long cap = config.maxDownloadBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
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
        // what the download's response declared (type, length, encoding): listened to only while waiting for it
        Consumer<Response> remember = response -> {
            try {
                run.rememberResponse(response.url(), response.headers());
            } catch (PlaywrightException e) {
                log.debug("job {}: the headers of {} cannot be read; the download is sniffed and counted instead: {}", id(),
                        JobRun.shorten(response.url()), PlaywrightErrors.firstLine(e.getMessage()));
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
        DownloadWatch watch = null;
        try {
            String url = download.url();
            if (!run.allowList.allows(url)) {
                throw ExtractionException.permanent("job " + id() + ": the download came from " + JobRun.shorten(url)
                        + ", which is not an allowed host for source '" + run.job.documentSource() + "'");
            }
            JobRun.Seen seen = run.responseOf(url);
            String contentType = seen == null || seen.contentType == null ? null : cleanType(seen.contentType, url);
            if (contentType != null) {
                checkType(contentType, expected, url);
            }
            if (seen != null && seen.length > config.maxDownloadBytes()) {
                throw tooBig(seen.length + " bytes (declared)");
            }
            watch = DownloadWatch.of(download);
            if (watch != null) {
                awaitWithinCap(watch);
            }
            String failure = download.failure();
            if (failure != null) {
                throw ExtractionException.transientFailure("job " + id() + ": the download failed: " + failure, null);
            }
            byte[] bytes = readCapped(download);
            if (bytes.length == 0) {
                throw ExtractionException.transientFailure("job " + id() + ": the download was empty", null);
            }
            if (contentType == null) {
                contentType = MediaTypes.sniff(bytes);
                checkType(contentType, expected, url);
            }
            checkBytes(contentType, bytes, url);
            return Document.of(bytes, contentType);
        } finally {
            discard(download, watch);
        }
    }

    /**
     * Waits (dispatching Playwright's messages) until the download ends, failing as soon as chromium has written
     * more than the cap or the job's time is up.
     */
    private void awaitWithinCap(DownloadWatch watch) {
        long cap = config.maxDownloadBytes();
        try {
            page.waitForCondition(() -> watch.ended() || watch.bytesOnDisk() > cap || run.isCancelled(),
                    new Page.WaitForConditionOptions().setTimeout(Math.max(1, remaining().toMillis())));
        } catch (TimeoutError e) {
            checkpoint();
            throw ExtractionException.transientFailure("job " + id() + ": the download did not finish before the job's deadline", e);
        }
        long written = watch.bytesOnDisk();
        if (written > cap) {
            throw tooBig("more than " + cap + " bytes (" + written + " written when it was stopped)");
        }
        checkpoint();
    }

    /** Cancels {@code download} if it still runs and removes its file, partial or complete. Never throws. */
    private void discard(Download download, DownloadWatch watch) {
        try {
            download.cancel();
        } catch (PlaywrightException e) {
            log.debug("job {}: cancelling the download failed (it may have ended, or the context is gone): {}", id(),
                    PlaywrightErrors.firstLine(e.getMessage()));
        }
        try {
            download.delete();
        } catch (PlaywrightException e) {
            // a cancelled or failed download has nothing to delete; a gone context took its files along
            log.debug("job {}: deleting the download: {}", id(), PlaywrightErrors.firstLine(e.getMessage()));
        }
        if (watch != null) {
            watch.deleteFiles();
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

    /** The clean media type of a server's {@code Content-Type} (see {@link MediaTypes#clean}); PERMANENT if there is none. */
    private String cleanType(String header, String url) {
        try {
            return MediaTypes.clean(header);
        } catch (MediaTypes.InvalidMediaType e) {
            throw ExtractionException.permanent("job " + id() + ": the server's Content-Type '" + MediaTypes.printable(header)
                    + "' for " + JobRun.shorten(url) + " is not a valid media type: " + e.getMessage());
        }
    }

    private void checkType(String contentType, Set<String> expected, String url) {
        if (!expected.contains(MediaTypes.base(contentType))) {
            throw ExtractionException.permanent("job " + id() + ": " + JobRun.shorten(url) + " has content type '"
                    + contentType + "', expected one of " + expected);
        }
    }

    /**
     * PERMANENT when the bytes are not what the declared type says (an HTML error page served as
     * {@code application/pdf}): what the server serves for this document is not a document, and a retry of a
     * permanent answer only repeats it; like a declared type outside the expected ones, it needs a human.
     */
    private void checkBytes(String contentType, byte[] bytes, String url) {
        String actual = MediaTypes.mismatch(contentType, bytes);
        if (actual != null) {
            throw ExtractionException.permanent("job " + id() + ": " + JobRun.shorten(url) + " declared "
                    + MediaTypes.base(contentType) + " but its bytes are " + actual);
        }
    }

    private static Set<String> expected(Collection<String> types) {
        if (types == null || types.isEmpty()) {
            throw new IllegalArgumentException("expectedContentTypes must name at least one media type but was " + types);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : types) {
            if (t == null || MediaTypes.base(t).isEmpty()) {
                throw new IllegalArgumentException("expectedContentTypes must not contain blank types but was " + types);
            }
            out.add(MediaTypes.base(t));
        }
        return out;
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
