package dev.docket.spring.boot;

import java.time.Duration;

/**
 * One entry of {@code docket.sources.<name>.*}: a source's own {@code SourcePolicy} (entry {@code default}: the
 * policy of every source without its own). Settings left unset take {@code SourcePolicy}'s built-in defaults (no
 * cap, no rate, breaker after 5 failures for 30 s to 10 min, throttling 30 s to 1 h), not the default entry's.
 */
public class DocketSourceProperties {
    /** Fleet-wide cap on the source's PROCESSING jobs (1-100000); unset: no cap. */
    private Integer concurrency;

    /** Claims per second, minute or hour, as N/s, N/m or N/h (e.g. 20/s); unset or 'off': no rate limit. */
    private String rate;

    /** The rate's token bucket size (1-100000, needs a rate); default 1: claims evenly spaced. */
    private Integer burst;

    /** Consecutive transient failures that open the circuit (1-10000), or 'off' for no breaker; default 5. */
    private String breakerFailures;

    /** The circuit's first cool-down (1s to 7d); default 30s. */
    private Duration breakerCoolDown;

    /** The longest cool-down, reached by doubling after failed probes (1s to 7d); default 10m. */
    private Duration breakerMaxCoolDown;

    /** How long a throttling blocks the source when the registry gave no retry-after (1s to 7d); default 30s. */
    private Duration throttleWithoutHint;

    /** The longest one throttling blocks the source (1s to 7d); default 1h. */
    private Duration throttleMax;

    public Integer getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(Integer concurrency) {
        this.concurrency = concurrency;
    }

    public String getRate() {
        return rate;
    }

    public void setRate(String rate) {
        this.rate = rate;
    }

    public Integer getBurst() {
        return burst;
    }

    public void setBurst(Integer burst) {
        this.burst = burst;
    }

    public String getBreakerFailures() {
        return breakerFailures;
    }

    public void setBreakerFailures(String breakerFailures) {
        this.breakerFailures = breakerFailures;
    }

    public Duration getBreakerCoolDown() {
        return breakerCoolDown;
    }

    public void setBreakerCoolDown(Duration breakerCoolDown) {
        this.breakerCoolDown = breakerCoolDown;
    }

    public Duration getBreakerMaxCoolDown() {
        return breakerMaxCoolDown;
    }

    public void setBreakerMaxCoolDown(Duration breakerMaxCoolDown) {
        this.breakerMaxCoolDown = breakerMaxCoolDown;
    }

    public Duration getThrottleWithoutHint() {
        return throttleWithoutHint;
    }

    public void setThrottleWithoutHint(Duration throttleWithoutHint) {
        this.throttleWithoutHint = throttleWithoutHint;
    }

    public Duration getThrottleMax() {
        return throttleMax;
    }

    public void setThrottleMax(Duration throttleMax) {
        this.throttleMax = throttleMax;
    }
}
