package dev.docket.queue.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class S3SinkConfigTest {

    @Test
    void buildsWithDefaultsAndNormalisesThePrefix() {
        S3SinkConfig c = S3SinkConfig.builder("my-bucket", "queue_1").keyPrefix("team/docs").region("eu-west-1")
                .endpointOverride(URI.create("http://127.0.0.1:9000")).pathStyleAccess(true)
                .credentials("AKIA123", "very-secret").storageClass("STANDARD_IA").build();

        assertThat(c.keyPrefix()).isEqualTo("team/docs/");
        assertThat(c.multipartThreshold()).isEqualTo(16L * 1024 * 1024);
        assertThat(c.partSize()).isEqualTo(8L * 1024 * 1024);
        assertThat(c.uploadBytesPerSecond()).isZero();
        assertThat(c.toString()).contains("my-bucket").contains("STANDARD_IA").doesNotContain("very-secret")
                .doesNotContain("AKIA123");
        assertThat(S3SinkConfig.builder("my-bucket", "q").keyPrefix("").build().keyPrefix()).isEmpty();
    }

    @Test
    void everyBadFieldIsNamedWithItsValue() {
        assertBad(S3SinkConfig.builder("My_Bucket", "q"), "bucket must", "My_Bucket");
        assertBad(S3SinkConfig.builder("b..x", "q"), "bucket must", "b..x");
        assertBad(S3SinkConfig.builder("bucket", "../etc"), "queueName must", "../etc");
        assertBad(S3SinkConfig.builder("bucket", "q").keyPrefix("a/../b"), "keyPrefix must", "a/../b");
        assertBad(S3SinkConfig.builder("bucket", "q").keyPrefix("/abs"), "keyPrefix must", "/abs");
        assertBad(S3SinkConfig.builder("bucket", "q").keyPrefix("a b"), "keyPrefix must", "a b");
        assertBad(S3SinkConfig.builder("bucket", "q").region("EU WEST"), "region must", "EU WEST");
        assertBad(S3SinkConfig.builder("bucket", "q").endpointOverride(URI.create("ftp://host")), "endpointOverride must",
                "ftp://host");
        assertBad(S3SinkConfig.builder("bucket", "q").storageClass("cheap; rm"), "storageClass must", "cheap; rm");
        assertBad(S3SinkConfig.builder("bucket", "q").partSize(1024), "partSize must", "1024");
        assertBad(S3SinkConfig.builder("bucket", "q").multipartThreshold(10), "multipartThreshold must", "10");
        assertBad(S3SinkConfig.builder("bucket", "q").maxDocumentSize(0), "maxDocumentSize must", "0");
        assertBad(S3SinkConfig.builder("bucket", "q").uploadBytesPerSecond(-1), "uploadBytesPerSecond must", "-1");
        assertBad(S3SinkConfig.builder("bucket", "q").uploadBytesPerSecond(10), "uploadBytesPerSecond must", "10");
        assertBad(S3SinkConfig.builder("bucket", "q").maxUploadTime(Duration.ZERO), "maxUploadTime must", "PT0S");
        assertBad(S3SinkConfig.builder("bucket", "q").maxConnections(0), "maxConnections must", "0");
        assertThatThrownBy(() -> S3SinkConfig.builder("bucket", "q").credentials(" ", "x"))
                .hasMessageContaining("accessKeyId must");
    }

    @Test
    void anEndpointWithUserInfoIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> S3SinkConfig.builder("bucket", "q")
                .endpointOverride(URI.create("http://user:pw@host:9000")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpointOverride must")
                .hasMessageNotContaining("pw");
    }

    private static void assertBad(S3SinkConfig.Builder b, String message, String value) {
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message)
                .hasMessageContaining(value);
    }
}
