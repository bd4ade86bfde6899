package dev.docket.spring.boot.internal;

import dev.docket.queue.WorkerConfig;
import dev.docket.spring.boot.DocketProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.env.Environment;

/**
 * {@code docket.worker.*} to a {@link WorkerConfig}: the old environment variables first (where set), then every
 * property that is set, each refusal naming its property. Not part of the API.
 */
public final class WorkerSettings {
    /** The variables {@code WorkerConfig.builderFromEnvironment} reads. */
    static final String[] LEGACY_VARIABLES = {"WORKER_CONCURRENCY", "EXTRACTION_TIMEOUT", "DOCKET_LEASE",
            "DOCKET_HEARTBEAT_INTERVAL", "DOCKET_STALE_CHECK_INTERVAL", "DOCKET_POLL_INTERVAL", "DOCKET_CLAIM_BATCH_SIZE",
            "DOCKET_PREFETCH",
            "DOCKET_RETRY_BACKOFF", "DOCKET_RETRY_MAX_BACKOFF", "DOCKET_SHUTDOWN_GRACE",
            "DOCKET_EXTRACTOR_RESTART_BACKOFF", "DOCKET_WORKER_ID"};

    /** WorkerConfig's field names as they appear in its messages, and the properties that set them. */
    private static final Map<String, String> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("heartbeatInterval", "heartbeat-interval");
        FIELDS.put("lease", "lease");
        FIELDS.put("retryMaxBackoff", "retry-max-backoff");
        FIELDS.put("retryInitialBackoff", "retry-initial-backoff");
    }

    private WorkerSettings() {
    }

    /** The worker's settings; a bad value throws naming the property (or the old variable) and the value. */
    public static WorkerConfig config(DocketProperties.Worker p, Environment environment) {
        Map<String, String> env = PropertyChecks.legacyVariables(environment, LEGACY_VARIABLES);
        WorkerConfig.Builder b = PropertyChecks.fromLegacyVariables(env, WorkerConfig::builderFromEnvironment);
        String prefix = "docket.worker.";
        PropertyChecks.apply(prefix + "concurrency", p.getConcurrency(), b::concurrency);
        PropertyChecks.apply(prefix + "job-timeout", p.getJobTimeout(), b::jobTimeout);
        PropertyChecks.apply(prefix + "lease", p.getLease(), b::lease);
        PropertyChecks.apply(prefix + "heartbeat-interval", p.getHeartbeatInterval(), b::heartbeatInterval);
        PropertyChecks.apply(prefix + "stale-check-interval", p.getStaleCheckInterval(), b::staleCheckInterval);
        PropertyChecks.apply(prefix + "poll-interval", p.getPollInterval(), b::pollInterval);
        PropertyChecks.apply(prefix + "claim-batch-size", p.getClaimBatchSize(), b::claimBatchSize);
        PropertyChecks.apply(prefix + "prefetch", p.getPrefetch(), b::prefetch);
        PropertyChecks.apply(prefix + "retry-initial-backoff", p.getRetryInitialBackoff(), b::retryInitialBackoff);
        PropertyChecks.apply(prefix + "retry-max-backoff", p.getRetryMaxBackoff(), b::retryMaxBackoff);
        PropertyChecks.apply(prefix + "shutdown-grace-period", p.getShutdownGracePeriod(), b::shutdownGracePeriod);
        PropertyChecks.apply(prefix + "extractor-restart-backoff", p.getExtractorRestartBackoff(),
                b::extractorRestartBackoff);
        PropertyChecks.apply(prefix + "worker-id", p.getWorkerId(), b::workerId);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            // settings that contradict each other: reported as the property the message names first
            String message = e.getMessage() == null ? "" : e.getMessage();
            String reason = message;
            String first = null;
            int firstAt = Integer.MAX_VALUE;
            for (Map.Entry<String, String> f : FIELDS.entrySet()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + f.getKey() + "\\b").matcher(message);
                if (m.find()) {
                    if (m.start() < firstAt) {
                        firstAt = m.start();
                        first = f.getValue();
                    }
                    reason = reason.replaceAll("\\b" + f.getKey() + "\\b", prefix + f.getValue());
                }
            }
            String property = prefix + (first == null ? "*" : first);
            throw PropertyChecks.invalid(property, environment.getProperty(property), reason);
        }
    }
}
