package dev.docket.queue.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.DocumentSinkException;
import dev.docket.queue.DocumentSweeper;
import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.internal.InFlight;
import dev.docket.queue.s3.testing.LoopbackProxy;
import dev.docket.testing.DocumentSinkContract;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@link S3DocumentSink} against a real S3-compatible server (s3rver on 127.0.0.1): the sink contract, plus round
 * trips, checksums, classified failures, the bandwidth cap and the job's deadline.
 */
class S3DocumentSinkTest extends DocumentSinkContract {
    private static final int MIB = 1024 * 1024;
    private static S3Fixture s3;
    private final java.util.List<S3DocumentSink> sinks = new java.util.ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        s3 = S3Fixture.start();
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.close();
        }
    }

    @AfterEach
    void closeSinks() {
        sinks.forEach(S3DocumentSink::close);
    }

    private S3DocumentSink open(S3SinkConfig config) {
        S3DocumentSink sink = S3DocumentSink.create(config);
        sinks.add(sink);
        return sink;
    }

    @Override
    protected DocumentSink createSink() {
        return open(s3.config().build());
    }

    private S3DocumentSink s3Sink() {
        return (S3DocumentSink) sink;
    }

    @Override
    protected byte[] read(StoredDocument document) throws IOException {
        String key = keyOf(document);
        return s3.bare.getObjectAsBytes(g -> g.bucket(S3Fixture.BUCKET).key(key)).asByteArray();
    }

    @Override
    protected boolean exists(StoredDocument document) {
        String key = keyOf(document);
        try {
            s3.bare.headObject(h -> h.bucket(S3Fixture.BUCKET).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static String keyOf(StoredDocument d) {
        String head = "s3://" + S3Fixture.BUCKET + "/";
        assertThat(d.uri()).startsWith(head);
        String key = d.uri().substring(head.length());
        int q = key.indexOf('?');
        return q < 0 ? key : key.substring(0, q);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256Hex(byte[] b) {
        return HexFormat.of().formatHex(dev.docket.queue.s3.internal.Digests.sha256(b, 0, b.length));
    }

    @Test
    void keysComeFromThePrefixTheQueueNameTheJobIdAndTheLeaseToken() throws Exception {
        Job job = claimed(store, "doc-1");

        StoredDocument stored = sink.store(job, doc("%PDF-1 x"));

        String key = "docket/" + s3Sink().config().queueName() + "/" + job.id() + "/" + job.leaseToken() + ".pdf";
        assertThat(stored.uri()).isEqualTo("s3://" + S3Fixture.BUCKET + "/" + key);
        assertThat(s3Sink().keyFor(job, "pdf")).isEqualTo(key);
        assertThat(s3.keys("docket/" + s3Sink().config().queueName() + "/")).containsExactly(key);
        try (InputStream in = s3Sink().open(stored)) {
            assertThat(in.readAllBytes()).isEqualTo("%PDF-1 x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void roundTripsFromTheSmallestDocumentToAboveTheMultipartThreshold() throws Exception {
        // Document forbids empty content: 1 byte is the smallest document there is
        int[] sizes = {1, 1000, 5 * MIB - 1, 5 * MIB, 11 * MIB + 3};
        for (int size : sizes) {
            byte[] bytes = random(size, size);
            Job job = claimed(store, "doc-" + size);

            StoredDocument stored = sink.store(job, Document.of(bytes, "application/pdf"));

            assertThat(stored.size()).as("size of %d", size).isEqualTo(size);
            assertThat(stored.sha256()).as("sha256 of %d", size).isEqualTo(sha256Hex(bytes));
            byte[] back = read(stored);
            assertThat(back.length).as("read back %d", size).isEqualTo(size);
            assertThat(sha256Hex(back)).as("bytes of %d", size).isEqualTo(stored.sha256());
            try (InputStream in = s3Sink().open(stored)) {
                assertThat(sha256Hex(in.readAllBytes())).isEqualTo(stored.sha256());
            }
        }
    }

    @Test
    void aTransferCorruptedOnItsWayIsDetectedItsObjectDeletedAndTheAttemptRetried() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(s3.server.port())) {
            S3DocumentSink corrupted = open(S3Fixture.config(proxy.endpoint()).build());
            proxy.corruptPuts(true);
            String prefix = "docket/" + corrupted.config().queueName() + "/";

            Job small = claimed(store, "doc-1");
            assertThatThrownBy(() -> corrupted.store(small, Document.of(random(4096, 1), PDF)))
                    .isInstanceOfSatisfying(DocumentSinkException.class,
                            e -> assertThat(e.kind()).isEqualTo(DocumentSinkException.Kind.TRANSIENT))
                    .hasMessageContaining("corrupted on its way").hasMessageContaining("ETag");
            Job big = claimed(store, "doc-2");
            assertThatThrownBy(() -> corrupted.store(big, Document.of(random(6 * MIB, 2), PDF)))
                    .isInstanceOfSatisfying(DocumentSinkException.class,
                            e -> assertThat(e.kind()).isEqualTo(DocumentSinkException.Kind.TRANSIENT))
                    .hasMessageContaining("corrupted on its way");

            assertThat(s3.keys(prefix)).isEmpty();
            proxy.corruptPuts(false);
            StoredDocument ok = corrupted.store(small, Document.of(random(4096, 1), PDF));
            assertThat(sha256Hex(read(ok))).isEqualTo(ok.sha256());
        }
    }

    @Test
    void badCredentialsAreRejectedAndTheSinkIsDown() throws Exception {
        // s3rver checks access keys but not V4 signatures: an unknown key is its 403
        S3DocumentSink denied = open(s3.config().credentials("NOT-A-KEY", "secret-value").build());

        assertThat(denied.health().ready()).isFalse();
        assertThat(denied.health().detail()).contains("InvalidAccessKeyId").contains("403")
                .doesNotContain("secret-value");
        Job job = claimed(store, "doc-1");
        assertThatThrownBy(() -> denied.store(job, doc("%PDF-1 x")))
                .isInstanceOfSatisfying(DocumentSinkException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DocumentSinkException.Kind.REJECTED);
                    assertThat(e.releasesTheJob()).isTrue();
                });
    }

    @Test
    void aMissingBucketIsRejected() throws Exception {
        S3DocumentSink missing = open(S3SinkConfig.builder("no-such-bucket", "q1").endpointOverride(s3.server.endpoint())
                .pathStyleAccess(true).credentials(dev.docket.testing.S3rver.ACCESS_KEY,
                        dev.docket.testing.S3rver.SECRET_KEY).build());

        assertThat(missing.health().ready()).isFalse();
        assertThat(missing.health().detail()).contains("NoSuchBucket");
        Job job = claimed(store, "doc-1");
        assertThatThrownBy(() -> missing.store(job, doc("%PDF-1 x")))
                .isInstanceOfSatisfying(DocumentSinkException.class,
                        e -> assertThat(e.kind()).isEqualTo(DocumentSinkException.Kind.REJECTED))
                .hasMessageContaining("NoSuchBucket");
    }

    @Test
    void anUnreachableStoreIsUnavailableAndTheSinkComesBackWithIt() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(s3.server.port())) {
            S3DocumentSink viaProxy = open(S3Fixture.config(proxy.endpoint()).build());
            assertThat(viaProxy.health().ready()).isTrue();
            proxy.close(); // the port closes: connections are refused

            Job job = claimed(store, "doc-1");
            assertThatThrownBy(() -> viaProxy.store(job, doc("%PDF-1 x")))
                    .isInstanceOfSatisfying(DocumentSinkException.class,
                            e -> assertThat(e.kind()).isEqualTo(DocumentSinkException.Kind.UNAVAILABLE))
                    .hasMessageContaining("unreachable");
            assertThat(viaProxy.health().ready()).isFalse();
            assertThat(viaProxy.health().detail()).contains("unreachable");
        }
    }

    @Test
    void anUploadSlowerThanTheJobsRemainingTimeIsAbortedAndLeavesNothing() throws Exception {
        // 64 KiB/s: 1 MiB takes 16 s, far more than the 1 s the job has left
        S3DocumentSink slow = open(s3.config().uploadBytesPerSecond(64 * 1024).build());
        Job job = claimed(store, "doc-1");
        InFlight context = new InFlight(job, 0, Clock.systemUTC(), Duration.ofSeconds(1));

        assertThatThrownBy(() -> slow.store(job, Document.of(random(MIB, 3), PDF), context))
                .isInstanceOfSatisfying(DocumentSinkException.class,
                        e -> assertThat(e.kind()).isEqualTo(DocumentSinkException.Kind.TRANSIENT))
                .hasMessageContaining("did not finish within the job's time");

        assertThat(s3.keys("docket/" + slow.config().queueName() + "/")).isEmpty();
    }

    @Test
    void anUploadStopsWhenItsJobIsCancelled() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(s3.server.port())) {
            S3DocumentSink slow = open(S3Fixture.config(proxy.endpoint()).uploadBytesPerSecond(64 * 1024).build());
            Job job = claimed(store, "doc-1");
            InFlight context = new InFlight(job, 0, Clock.systemUTC(), Duration.ofMinutes(5));
            long before = proxy.clientBytes();
            CompletableFuture<StoredDocument> upload = CompletableFuture.supplyAsync(() -> {
                try {
                    return slow.store(job, Document.of(random(MIB, 4), PDF), context);
                } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            dev.docket.queue.testing.Await.until("the upload is under way", () -> proxy.clientBytes() > before + 64 * 1024);

            context.cancel();

            assertThatThrownBy(() -> upload.get(20, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(DocumentSinkException.class).hasMessageContaining("cancelled");
            assertThat(s3.keys("docket/" + slow.config().queueName() + "/")).isEmpty();
        }
    }

    @Test
    void aDocumentAboveTheSizeLimitFailsItsJob() {
        S3DocumentSink limited = open(s3.config().maxDocumentSize(1000).build());
        Job job = claimed(store, "doc-1");

        assertThatThrownBy(() -> limited.store(job, Document.of(new byte[1001], PDF)))
                .isInstanceOfSatisfying(DocumentSinkException.class,
                        e -> assertThat(e.kind()).isEqualTo(DocumentSinkException.Kind.PERMANENT))
                .hasMessageContaining("1001 bytes").hasMessageContaining("maxDocumentSize is 1000");
    }

    @Test
    void theSweepIgnoresObjectsItDidNotWriteAndOtherQueues() throws Exception {
        String queue = s3Sink().config().queueName();
        for (String key : new String[] {"docket/" + queue + "/notes.txt", "docket/" + queue + "/1/not-a-token.pdf",
                "docket/" + queue + "x/1/00000000-0000-0000-0000-000000000000.pdf", "elsewhere/1.pdf"}) {
            s3.bare.putObject(p -> p.bucket(S3Fixture.BUCKET).key(key), RequestBody.fromString("keep me"));
        }
        assertThat(s3Sink().health().ready()).isTrue(); // its probe object is removed again

        clock.advance(Duration.ofHours(3));
        DocumentSweeper.Result r = DocumentSweeper.sweep(store, s3Sink(), Duration.ofHours(1));

        assertThat(r.examined()).isZero();
        assertThat(s3.keys("docket/" + queue + "/")).containsExactly("docket/" + queue + "/1/not-a-token.pdf",
                "docket/" + queue + "/notes.txt");
    }

    @Test
    void discardRefusesAnotherAttemptsObject() throws Exception {
        Job first = claimed(store, "doc-1");
        StoredDocument a = sink.store(first, doc("%PDF-1 a"));
        Job second = reclaimed(first);

        assertThatThrownBy(() -> sink.discard(second, a)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sink.discard(first, new StoredDocument("s3://other-bucket/x", "", 1, PDF)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(exists(a)).isTrue();
    }

    @Test
    void aClientOfYourOwnCannotBeCappedAndIsNotClosed() {
        assertThatThrownBy(() -> S3DocumentSink.create(s3.config().uploadBytesPerSecond(4096).build(), s3.bare))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uploadBytesPerSecond");
        S3DocumentSink own = S3DocumentSink.create(s3.config().build(), s3.bare);
        own.close();
        assertThat(s3.bare.listBuckets().buckets()).isNotEmpty();
    }
}
