package dev.docket.queue.s3.internal;

import dev.docket.queue.s3.S3SinkConfig;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** The S3 client the sink builds for itself from its configuration. */
public final class S3Clients {
    private S3Clients() {
    }

    /**
     * A client for {@code config}: its connections, bandwidth cap, credentials, endpoint and region; plain
     * (not {@code aws-chunked}) bodies with the checksums in headers.
     *
     * @throws IllegalArgumentException when no region is given and the SDK's default chain has none
     */
    public static S3Client build(S3SinkConfig config) {
        SdkHttpClient http = Apache5HttpClient.builder().maxConnections(config.maxConnections()).build();
        if (config.uploadBytesPerSecond() > 0) {
            http = new PacedHttpClient(http, new BandwidthLimiter(config.uploadBytesPerSecond()));
        }
        var b = S3Client.builder()
                .httpClient(http)
                .forcePathStyle(config.pathStyleAccess())
                .credentialsProvider(config.credentials() != null ? config.credentials()
                        : DefaultCredentialsProvider.builder().build())
                // plain bodies: many S3-compatible stores cannot decode aws-chunked; the checksums go in headers
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (config.endpointOverride() != null) {
            b.endpointOverride(config.endpointOverride());
        }
        if (config.region() != null) {
            b.region(Region.of(config.region()));
        } else if (config.endpointOverride() != null) {
            b.region(Region.US_EAST_1);
        }
        try {
            return b.build();
        } catch (SdkClientException e) {
            http.close();
            throw new IllegalArgumentException("region must be given (no region in the SDK's default chain): "
                    + e.getMessage(), e);
        }
    }
}
