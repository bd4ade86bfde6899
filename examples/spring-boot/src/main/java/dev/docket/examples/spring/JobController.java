package dev.docket.examples.spring;

import dev.docket.queue.Job;
import dev.docket.queue.JobQueue;
import dev.docket.queue.NewJob;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /jobs {"source": "registry-a", "number": "2024-000123"}} enqueues a job (202, its URL in
 * {@code Location}); {@code GET /jobs/{id}} shows it. A bad field is a 400 with the reason, as {@code NewJob}
 * checked it.
 */
@RestController
public class JobController {
    private final JobQueue queue;

    JobController(JobQueue queue) {
        this.queue = queue;
    }

    /** What a client posts. */
    public record JobRequest(String source, String number) {
    }

    @PostMapping("/jobs")
    ResponseEntity<Map<String, Object>> enqueue(@RequestBody JobRequest request) {
        Job job;
        try {
            job = queue.enqueue(NewJob.of(request.source(), request.number()));
        } catch (IllegalArgumentException | NullPointerException e) {
            return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
        }
        return ResponseEntity.accepted().location(URI.create("/jobs/" + job.id())).body(view(job));
    }

    @GetMapping("/jobs/{id}")
    ResponseEntity<Map<String, Object>> find(@PathVariable("id") long id) {
        return queue.find(id).map(j -> ResponseEntity.ok(view(j))).orElse(ResponseEntity.notFound().build());
    }

    private static Map<String, Object> view(Job j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("source", j.documentSource());
        m.put("number", j.documentNumber());
        m.put("status", j.status().name());
        m.put("attempts", j.attempts());
        m.put("result", j.result());
        m.put("lastError", j.lastError());
        return m;
    }
}
