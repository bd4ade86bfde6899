package dev.docket.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code docket.*} properties: the store, the worker, LISTEN, metrics and health. Every worker setting left
 * unset falls back to its old environment variable ({@code WORKER_CONCURRENCY}, {@code EXTRACTION_TIMEOUT}, ...,
 * see {@code WorkerConfig.fromEnvironment}) and then to {@code WorkerConfig}'s default. Durations take Spring's
 * syntax ({@code 30s}, {@code 5m}, {@code PT30S}; a bare number is milliseconds). Bad values fail start-up with
 * the property's name. The full table is in {@code docs/spring-boot.md}.
 */
@ConfigurationProperties(prefix = "docket")
public class DocketProperties {

    /** The schema holding Docket's tables (must match [a-z_][a-z0-9_]{0,62}). */
    private String schema = "docket";

    /** Whether start-up migrates the schema (needs DDL rights); off, a missing or old schema fails start-up. */
    private boolean migrate = false;

    /** Whether the schema is migrated by the application's Flyway or Liquibase from Docket's migration files. */
    private boolean schemaManagedExternally = false;

    /** Whether idle workers are woken by LISTEN/NOTIFY; off, they only poll. */
    private boolean notifications = true;

    /** Longest any one store statement may run, lock waits included (100ms to 10m). */
    private Duration statementTimeout = Duration.ofSeconds(10);

    /** Longest a store statement waits for a lock (100ms to 10m, at most the statement timeout). */
    private Duration lockTimeout = Duration.ofSeconds(5);

    /** Who the jobs' history says changed them through the JobQueue bean (cancel, retry). */
    private String actor = "admin";

    /**
     * Source policies applied at start-up, by source name (entry 'default': sources without their own); a
     * name with characters other than a-z, 0-9 and '-' is written in brackets, docket.sources[Registry.A].
     */
    private final Map<String, DocketSourceProperties> sources = new LinkedHashMap<>();

    /**
     * Whether start-up overwrites a source policy that someone other than a Spring Boot start-up (actor
     * spring-boot) changed last, such as an operator at runtime; off, it is kept and a WARN says so.
     */
    private boolean overrideRuntimeSourcePolicies = false;

    private final Listen listen = new Listen();
    private final Worker worker = new Worker();
    private final Metrics metrics = new Metrics();
    private final Health health = new Health();

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public boolean isMigrate() {
        return migrate;
    }

    public void setMigrate(boolean migrate) {
        this.migrate = migrate;
    }

    public boolean isSchemaManagedExternally() {
        return schemaManagedExternally;
    }

    public void setSchemaManagedExternally(boolean schemaManagedExternally) {
        this.schemaManagedExternally = schemaManagedExternally;
    }

    public boolean isNotifications() {
        return notifications;
    }

    public void setNotifications(boolean notifications) {
        this.notifications = notifications;
    }

    public Duration getStatementTimeout() {
        return statementTimeout;
    }

    public void setStatementTimeout(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
    }

    public Duration getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    public String getActor() {
        return actor;
    }

    public void setActor(String actor) {
        this.actor = actor;
    }

    public Map<String, DocketSourceProperties> getSources() {
        return sources;
    }

    public boolean isOverrideRuntimeSourcePolicies() {
        return overrideRuntimeSourcePolicies;
    }

    public void setOverrideRuntimeSourcePolicies(boolean overrideRuntimeSourcePolicies) {
        this.overrideRuntimeSourcePolicies = overrideRuntimeSourcePolicies;
    }

    public Listen getListen() {
        return listen;
    }

    public Worker getWorker() {
        return worker;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Health getHealth() {
        return health;
    }

    /** {@code docket.listen.*}: the connection held in LISTEN for wake-ups. */
    public static class Listen {
        /**
         * Whether LISTEN gets a connection of its own (opened with the JDBC URL) rather than holding one of the
         * pool's connections for good.
         */
        private boolean ownConnection = true;

        /** JDBC URL of the LISTEN connection; default spring.datasource.url. */
        private String url;

        /** User of the LISTEN connection; default spring.datasource.username. */
        private String username;

        /** Password of the LISTEN connection; default spring.datasource.password. */
        private String password;

        public boolean isOwnConnection() {
            return ownConnection;
        }

        public void setOwnConnection(boolean ownConnection) {
            this.ownConnection = ownConnection;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }

    /** {@code docket.worker.*}: the WorkerRuntime's settings; unset ones come from the environment, then defaults. */
    public static class Worker {
        /** Whether a WorkerRuntime runs (when an Extractor bean exists). */
        private boolean enabled = true;

        /** Jobs extracted at once by this worker (1-1000); env WORKER_CONCURRENCY. */
        private Integer concurrency;

        /** An extraction running longer is aborted and retried (10ms to 1d); env EXTRACTION_TIMEOUT (ms). */
        private Duration jobTimeout;

        /** A claim's lease, renewed by every heartbeat (100ms to 1h); env DOCKET_LEASE (ms). */
        private Duration lease;

        /** Worker row and lease renewal period, shorter than the lease (10ms to 1h); env DOCKET_HEARTBEAT_INTERVAL. */
        private Duration heartbeatInterval;

        /** How often the stale-job monitor looks (10ms to 1h); env DOCKET_STALE_CHECK_INTERVAL (ms). */
        private Duration staleCheckInterval;

        /** Claim poll when no wake-up notification arrives (10ms to 1h); env DOCKET_POLL_INTERVAL (ms). */
        private Duration pollInterval;

        /** Most jobs claimed in one statement (1-1000); env DOCKET_CLAIM_BATCH_SIZE. */
        private Integer claimBatchSize;

        /** Jobs claimed ahead of a free slot (0-1000; 0: none; unset: auto, ahead only while jobs are short); env DOCKET_PREFETCH. */
        private Integer prefetch;

        /** First retry delay, doubled per attempt with 20% jitter (0 to 30d); env DOCKET_RETRY_BACKOFF (ms). */
        private Duration retryInitialBackoff;

        /** Cap of the retry delay (0 to 30d, at least the initial back-off); env DOCKET_RETRY_MAX_BACKOFF (ms). */
        private Duration retryMaxBackoff;

        /** How long shutdown waits for running jobs before releasing them (0 to 1h); env DOCKET_SHUTDOWN_GRACE (ms). */
        private Duration shutdownGracePeriod;

        /** First delay before retrying a failed extractor start (1ms to 1h); env DOCKET_EXTRACTOR_RESTART_BACKOFF. */
        private Duration extractorRestartBackoff;

        /** Unique id of this worker (letters, digits, '.', '_', ':', '-'); env DOCKET_WORKER_ID; default host-pid-random. */
        private String workerId;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Integer getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(Integer concurrency) {
            this.concurrency = concurrency;
        }

        public Duration getJobTimeout() {
            return jobTimeout;
        }

        public void setJobTimeout(Duration jobTimeout) {
            this.jobTimeout = jobTimeout;
        }

        public Duration getLease() {
            return lease;
        }

        public void setLease(Duration lease) {
            this.lease = lease;
        }

        public Duration getHeartbeatInterval() {
            return heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public Duration getStaleCheckInterval() {
            return staleCheckInterval;
        }

        public void setStaleCheckInterval(Duration staleCheckInterval) {
            this.staleCheckInterval = staleCheckInterval;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        public Integer getClaimBatchSize() {
            return claimBatchSize;
        }

        public void setClaimBatchSize(Integer claimBatchSize) {
            this.claimBatchSize = claimBatchSize;
        }

        public Integer getPrefetch() {
            return prefetch;
        }

        public void setPrefetch(Integer prefetch) {
            this.prefetch = prefetch;
        }

        public Duration getRetryInitialBackoff() {
            return retryInitialBackoff;
        }

        public void setRetryInitialBackoff(Duration retryInitialBackoff) {
            this.retryInitialBackoff = retryInitialBackoff;
        }

        public Duration getRetryMaxBackoff() {
            return retryMaxBackoff;
        }

        public void setRetryMaxBackoff(Duration retryMaxBackoff) {
            this.retryMaxBackoff = retryMaxBackoff;
        }

        public Duration getShutdownGracePeriod() {
            return shutdownGracePeriod;
        }

        public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
            this.shutdownGracePeriod = shutdownGracePeriod;
        }

        public Duration getExtractorRestartBackoff() {
            return extractorRestartBackoff;
        }

        public void setExtractorRestartBackoff(Duration extractorRestartBackoff) {
            this.extractorRestartBackoff = extractorRestartBackoff;
        }

        public String getWorkerId() {
            return workerId;
        }

        public void setWorkerId(String workerId) {
            this.workerId = workerId;
        }
    }

    /** {@code docket.metrics.*}: the Micrometer meters, bound when a MeterRegistry exists. */
    public static class Metrics {
        /**
         * Whether this application binds the queue-wide gauges (docket.jobs, oldest pending age, heartbeat ages),
         * which are the same from every host: turn it off on all but one application of a fleet.
         */
        private boolean queueGauges = true;

        /** Whether the worker's job counters and timers carry the job's source tag. */
        private boolean sourceTag = true;

        /** Distinct source tag values before further sources count as source=other (1-10000). */
        private int maxSources = 50;

        /** How often the queue-wide gauges re-read the store at most. */
        private Duration refreshInterval = Duration.ofSeconds(5);

        public boolean isQueueGauges() {
            return queueGauges;
        }

        public void setQueueGauges(boolean queueGauges) {
            this.queueGauges = queueGauges;
        }

        public boolean isSourceTag() {
            return sourceTag;
        }

        public void setSourceTag(boolean sourceTag) {
            this.sourceTag = sourceTag;
        }

        public int getMaxSources() {
            return maxSources;
        }

        public void setMaxSources(int maxSources) {
            this.maxSources = maxSources;
        }

        public Duration getRefreshInterval() {
            return refreshInterval;
        }

        public void setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
        }
    }

    /** {@code docket.health.*}: the {@code docket} health contributor. */
    public static class Health {
        /**
         * The health status reported while the worker is DEGRADED (extractor not ready, store unreachable, stale
         * jobs found): OUT_OF_SERVICE, or a custom status such as DEGRADED (then add it to
         * management.endpoint.health.status.order and its HTTP mapping).
         */
        private String degradedStatus = "OUT_OF_SERVICE";

        public String getDegradedStatus() {
            return degradedStatus;
        }

        public void setDegradedStatus(String degradedStatus) {
            this.degradedStatus = degradedStatus;
        }
    }
}
