package dev.docket.queue.s3.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * An {@link SdkHttpClient} that paces the request bodies it sends through a {@link BandwidthLimiter}: only bytes
 * that go on the wire count (not the SDK's own reads of a body to sign it), retries included.
 */
public final class PacedHttpClient implements SdkHttpClient {
    private static final int CHUNK = 16 * 1024;
    private final SdkHttpClient delegate;
    private final BandwidthLimiter limiter;

    public PacedHttpClient(SdkHttpClient delegate, BandwidthLimiter limiter) {
        this.delegate = delegate;
        this.limiter = limiter;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        if (request.contentStreamProvider().isEmpty()) {
            return delegate.prepareRequest(request);
        }
        ContentStreamProvider body = request.contentStreamProvider().get();
        ContentStreamProvider paced = () -> new Paced(body.newStream(), limiter);
        HttpExecuteRequest.Builder b = HttpExecuteRequest.builder().request(request.httpRequest())
                .contentStreamProvider(paced);
        request.metricCollector().ifPresent(b::metricCollector);
        return delegate.prepareRequest(b.build());
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static final class Paced extends FilterInputStream {
        private final BandwidthLimiter limiter;

        Paced(InputStream in, BandwidthLimiter limiter) {
            super(in);
            this.limiter = limiter;
        }

        @Override
        public int read() throws IOException {
            limiter.acquire(1);
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = Math.min(len, CHUNK);
            limiter.acquire(n);
            return super.read(b, off, n);
        }
    }
}
