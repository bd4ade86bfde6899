package dev.docket.queue.s3.internal;

import dev.docket.queue.DocumentSinkException;
import dev.docket.queue.DocumentSinkException.Kind;
import java.util.Set;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What the runtime should make of an S3 failure: the {@link Kind} of each error code and status. */
public final class S3Errors {
    private static final Set<String> REJECTED_CODES = Set.of("AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "NoSuchBucket", "AllAccessDisabled", "AccountProblem", "InvalidBucketName",
            "PermanentRedirect", "AuthorizationHeaderMalformed", "InvalidStorageClass", "InvalidToken", "ExpiredToken",
            "InvalidObjectState", "NotSignedUp", "UnauthorizedAccess");
    private static final Set<String> CHECKSUM_CODES = Set.of("BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch",
            "XAmzContentChecksumMismatch", "InvalidChecksum");
    private static final Set<String> UNAVAILABLE_CODES = Set.of("SlowDown", "ServiceUnavailable", "InternalError",
            "RequestTimeout", "RequestTimeTooSkewed", "Throttling", "ThrottlingException", "TooManyRequests");

    private S3Errors() {
    }

    /** What the runtime should make of {@code e}, which happened while doing {@code what}. */
    public static DocumentSinkException classify(String what, SdkException e) {
        if (e instanceof S3Exception) {
            S3Exception s = (S3Exception) e;
            String code = code(s);
            String msg = s.awsErrorDetails() != null ? s.awsErrorDetails().errorMessage() : s.getMessage();
            String detail = what + " failed: " + (code != null ? code + " " : "") + "(HTTP " + s.statusCode() + ")"
                    + (msg != null ? ": " + msg : "");
            if (code != null && CHECKSUM_CODES.contains(code)) {
                return new DocumentSinkException(Kind.TRANSIENT, detail + " — corrupted on its way", e);
            }
            if ((code != null && REJECTED_CODES.contains(code)) || s.statusCode() == 403 || s.statusCode() == 401
                    || s.statusCode() == 301) {
                return new DocumentSinkException(Kind.REJECTED, detail, e);
            }
            if (s.statusCode() >= 500 || s.statusCode() == 429 || (code != null && UNAVAILABLE_CODES.contains(code))) {
                return new DocumentSinkException(Kind.UNAVAILABLE, detail, e);
            }
            if ("EntityTooLarge".equals(code)) {
                return new DocumentSinkException(Kind.PERMANENT, detail, e);
            }
            return new DocumentSinkException(Kind.TRANSIENT, detail, e);
        }
        if (e instanceof AbortedException) {
            return new DocumentSinkException(Kind.TRANSIENT, what + " was interrupted", e);
        }
        // connection refused, reset, unknown host, I/O errors: the store is unreachable
        return new DocumentSinkException(Kind.UNAVAILABLE, what + " failed: the store is unreachable ("
                + e.getMessage() + ")", e);
    }

    /** The S3 error code of {@code e}, or null. */
    public static String code(S3Exception e) {
        return e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
    }

    /** True when {@code e} says the object is not there (a 404 other than a missing bucket). */
    public static boolean noSuchObject(S3Exception e) {
        return e.statusCode() == 404 && !"NoSuchBucket".equals(code(e));
    }
}
