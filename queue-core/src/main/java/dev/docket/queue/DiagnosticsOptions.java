package dev.docket.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * Alert thresholds for {@link JobQueue#diagnose(DiagnosticsOptions)}; defaults are the old
 * troubleshooting guide's: jobs processing longer than 5 minutes, workers without heartbeat for
 * 2 minutes, and an error rate above 50% over the last hour; and a source's circuit open (or half-open) for
 * more than 10 minutes, and more than 10 defunct child processes on one worker.
 *
 * @param processingAlert   alert on jobs processing longer than this
 * @param heartbeatAlert    a worker whose heartbeat is older than this is dead
 * @param errorRateAlert    alert when failed/(completed+failed) over 60 minutes exceeds this (0-1)
 * @param circuitOpenAlert  alert when a source's circuit has been open or half-open, without closing, for longer
 *                          than this
 * @param defunctProcessesAlert alert when a live worker's extractor reports more defunct (zombie) child processes
 *                          than this (figure {@value ExtractorHealth#FIGURE_DEFUNCT_PROCESSES}); fewer but some
 *                          are a warning
 */
public record DiagnosticsOptions(Duration processingAlert, Duration heartbeatAlert, double errorRateAlert,
        Duration circuitOpenAlert, int defunctProcessesAlert) {
    public static final Duration DEFAULT_PROCESSING_ALERT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_HEARTBEAT_ALERT = Duration.ofMinutes(2);
    public static final double DEFAULT_ERROR_RATE_ALERT = 0.5;
    public static final Duration DEFAULT_CIRCUIT_OPEN_ALERT = Duration.ofMinutes(10);
    /** More defunct child processes than this on one worker is an alert. */
    public static final int DEFAULT_DEFUNCT_PROCESSES_ALERT = 10;

    public DiagnosticsOptions {
        Objects.requireNonNull(processingAlert, "processingAlert");
        Objects.requireNonNull(heartbeatAlert, "heartbeatAlert");
        if (processingAlert.isNegative() || processingAlert.isZero()) {
            throw new IllegalArgumentException("processingAlert must be > 0 but was " + processingAlert);
        }
        if (heartbeatAlert.isNegative() || heartbeatAlert.isZero()) {
            throw new IllegalArgumentException("heartbeatAlert must be > 0 but was " + heartbeatAlert);
        }
        Objects.requireNonNull(circuitOpenAlert, "circuitOpenAlert");
        if (circuitOpenAlert.isNegative() || circuitOpenAlert.isZero()) {
            throw new IllegalArgumentException("circuitOpenAlert must be > 0 but was " + circuitOpenAlert);
        }
        if (!(errorRateAlert >= 0.0 && errorRateAlert <= 1.0)) {
            throw new IllegalArgumentException("errorRateAlert must be 0-1 but was " + errorRateAlert);
        }
        if (defunctProcessesAlert < 0) {
            throw new IllegalArgumentException("defunctProcessesAlert must be >= 0 but was " + defunctProcessesAlert);
        }
    }

    /** The thresholds with the default {@link #circuitOpenAlert()} and {@link #defunctProcessesAlert()}. */
    public DiagnosticsOptions(Duration processingAlert, Duration heartbeatAlert, double errorRateAlert) {
        this(processingAlert, heartbeatAlert, errorRateAlert, DEFAULT_CIRCUIT_OPEN_ALERT,
                DEFAULT_DEFUNCT_PROCESSES_ALERT);
    }

    /** The thresholds with the default {@link #defunctProcessesAlert()}. */
    public DiagnosticsOptions(Duration processingAlert, Duration heartbeatAlert, double errorRateAlert,
            Duration circuitOpenAlert) {
        this(processingAlert, heartbeatAlert, errorRateAlert, circuitOpenAlert, DEFAULT_DEFUNCT_PROCESSES_ALERT);
    }

    /** The thresholds with the default {@link #circuitOpenAlert()}. */
    public DiagnosticsOptions(Duration processingAlert, Duration heartbeatAlert, double errorRateAlert,
            int defunctProcessesAlert) {
        this(processingAlert, heartbeatAlert, errorRateAlert, DEFAULT_CIRCUIT_OPEN_ALERT, defunctProcessesAlert);
    }

    public static DiagnosticsOptions defaults() {
        return new DiagnosticsOptions(DEFAULT_PROCESSING_ALERT, DEFAULT_HEARTBEAT_ALERT, DEFAULT_ERROR_RATE_ALERT);
    }
}
