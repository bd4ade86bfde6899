package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.Cookie;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractionException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * {@link dev.docket.extractor.playwright.FlowContext#fetch}: the request made from this JVM with the session's
 * cookies and user agent. Used on the slot thread only.
 */
final class DocumentFetcher {
    /** Redirects followed by {@link #fetch}, each hop checked against the allow-list. */
    static final int MAX_FETCH_REDIRECTS = 5;

    private final JobRun run;
    private final Page page;
    private final PlaywrightConfig config;
    private final BrowserSession session;
    private final DocumentChecks checks;
    private final LongSupplier timeoutMillis;

    DocumentFetcher(JobRun run, Page page, PlaywrightConfig config, BrowserSession session, DocumentChecks checks,
                    LongSupplier timeoutMillis) {
        this.run = run;
        this.page = page;
        this.config = config;
        this.session = session;
        this.checks = checks;
        this.timeoutMillis = timeoutMillis;
    }

    private long id() {
        return run.job.id();
    }

    /**
     * Fetches with the session's cookies and user agent, from this JVM (the browser server does not see the
     * request, and the body does not travel through it): each redirect hop is checked against the allow-list
     * before it is requested, the size cap is enforced while reading, and a cancellation closes the socket.
     */
    Document fetch(String url, Set<String> expected) {
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
                if (Throttling.isThrottle(status)) {
                    throw Throttling.throttled(id(), "the document", status, current, c.getHeaderField("Retry-After"), run.now());
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
                    throw checks.tooBig(declared + " bytes (declared)");
                }
                String header = c.getContentType();
                String contentType = header == null ? null : checks.cleanType(header, current);
                if (contentType != null) {
                    checks.checkType(contentType, expected, current);
                }
                byte[] body;
                try (InputStream in = decoded(c.getInputStream(), c.getContentEncoding(), current)) {
                    body = checks.readCapped(in);
                }
                if (body.length == 0) {
                    throw ExtractionException.transientFailure("job " + id() + ": " + JobRun.shorten(current) + " answered an empty body", null);
                }
                if (contentType == null) {
                    contentType = MediaTypes.sniff(body);
                    checks.checkType(contentType, expected, current);
                }
                checks.checkBytes(contentType, body, current);
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
            int timeout = (int) Math.min(Integer.MAX_VALUE, timeoutMillis.getAsLong());
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
                return new GZIPInputStream(capped, DocumentChecks.BUFFER);
            case "deflate":
                PushbackInputStream in = new PushbackInputStream(capped, 2);
                byte[] head = in.readNBytes(2);
                in.unread(head);
                // RFC 9110 deflate is zlib-wrapped; some servers send raw deflate
                boolean zlib = head.length == 2 && (head[0] & 0x0F) == 8 && (((head[0] & 0xFF) << 8) | (head[1] & 0xFF)) % 31 == 0;
                return new InflaterInputStream(in, new Inflater(!zlib), DocumentChecks.BUFFER);
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
                throw checks.tooBig("more than " + cap + " bytes " + what);
            }
        }
    }


}
