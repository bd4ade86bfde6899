package dev.docket.spring.boot;

import dev.docket.queue.JobQueue;
import dev.docket.spring.boot.internal.DiagnosticsView;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/docket}: the {@code diagnose} snapshot (workers, counts by status, stale and long-running
 * jobs, alerts, warnings), read-only. Expose it with {@code management.endpoints.web.exposure.include=health,docket}.
 * Payloads and lease tokens are left out; recorded errors have URL query strings and user info redacted.
 */
@Endpoint(id = "docket")
public class DocketEndpoint {
    private final JobQueue queue;

    /**
     * The endpoint over {@code queue}.
     *
     * @param queue the queue to diagnose
     */
    public DocketEndpoint(JobQueue queue) {
        this.queue = queue;
    }

    /**
     * The snapshot, with the default thresholds.
     *
     * @return the diagnose snapshot as JSON-ready maps and lists
     */
    @ReadOperation
    public Map<String, Object> diagnose() {
        return DiagnosticsView.of(queue.diagnose());
    }
}
