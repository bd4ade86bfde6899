package dev.docket.queue.s3;

import static org.assertj.core.api.Assertions.fail;

import dev.docket.testing.S3rver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** One s3rver for a test class, plus a bare SDK client to look at what it holds by other means than the sink. */
final class S3Fixture implements AutoCloseable {
    static final String BUCKET = "docket-test";

    final S3rver server;
    final S3Client bare;

    private S3Fixture(S3rver server) {
        this.server = server;
        this.bare = bareClient(server.endpoint());
    }

    /** Starts s3rver; skips the test class (fails it in CI) when s3rver cannot run here. */
    static S3Fixture start() throws Exception {
        String why = S3rver.available();
        if (why != null) {
            if (S3rver.required()) {
                fail("s3rver is required (docket.s3rver.required) but " + why);
            }
            Assumptions.abort("skipped: " + why + " (install node, or set docket.s3rver.prefix)");
        }
        Path data = Files.createTempDirectory("docket-s3rver-data");
        return new S3Fixture(S3rver.start(data, BUCKET));
    }

    static S3Client bareClient(java.net.URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3rver.ACCESS_KEY, S3rver.SECRET_KEY)))
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .build();
    }

    /** A configuration for this server with a queue name of its own (so each test starts with an empty sink). */
    S3SinkConfig.Builder config() {
        return config(server.endpoint());
    }

    static S3SinkConfig.Builder config(java.net.URI endpoint) {
        return S3SinkConfig.builder(BUCKET, "q-" + UUID.randomUUID().toString().substring(0, 8))
                .endpointOverride(endpoint).pathStyleAccess(true)
                .credentials(S3rver.ACCESS_KEY, S3rver.SECRET_KEY)
                .multipartThreshold(S3SinkConfig.MIN_PART_SIZE).partSize(S3SinkConfig.MIN_PART_SIZE);
    }

    /** Every key under a prefix. */
    java.util.List<String> keys(String prefix) {
        return bare.listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key).sorted().toList();
    }

    @Override
    public void close() {
        bare.close();
        server.close();
    }
}
