package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.JobQueue;
import dev.docket.queue.NewJob;
import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sources, pause, resume and limit against PostgreSQL. */
class SourcesCliTest extends CliStoreTest {

    JobQueue queue() {
        return JobQueue.of(store);
    }

    SourceStatus status(String source) {
        return queue().source(source).orElseThrow();
    }

    @Test
    void sourcesListsBacklogPolicyAndStateOfEverySource() {
        store.enqueue(NewJob.of("registry-a", "1"));
        store.enqueue(NewJob.of("registry-a", "2"));
        store.enqueue(NewJob.of("registry-b", "1"));
        queue().setSourcePolicy("registry-a", SourcePolicy.builder().concurrency(4)
                .rate(SourcePolicy.Rate.perSecond(20).withBurst(5)).build());
        queue().pauseSource("registry-b", "registry maintenance");

        CliRunner.Run r = cli.run("sources");

        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("docket sources at ").endsWith("(database clock)");
        assertThat(lines.get(1)).isEqualTo("default policy: concurrency none, rate none, breaker 5 failures"
                + " (cool-down 30s to 10m)");
        String a = lines.stream().filter(l -> l.startsWith("registry-a")).findFirst().orElseThrow();
        assertThat(a).matches("registry-a\\s+2\\s+0\\s+4\\s+20/s burst 5\\s+5\\s+own\\s+closed\\s+0\\s+0\\s+-\\s+-\\s+-");
        String b = lines.stream().filter(l -> l.startsWith("registry-b")).findFirst().orElseThrow();
        assertThat(b).contains("default", "paused: registry maintenance");
    }

    @Test
    void sourcesJsonIsOneDocumentWithTheDefaultPolicyAndEverySource() {
        store.enqueue(NewJob.of("registry-a", "1"));
        queue().setSourcePolicy("registry-a", SourcePolicy.builder().rate(SourcePolicy.Rate.perMinute(600)).build());

        CliRunner.Run r = cli.run("sources", "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> doc = MiniJson.object(r.out());
        assertThat(doc).containsKeys("now", "defaultPolicy", "sources");
        @SuppressWarnings("unchecked")
        Map<String, Object> a = ((List<Map<String, Object>>) doc.get("sources")).get(0);
        assertThat(a).containsEntry("source", "registry-a").containsEntry("state", "CLOSED")
                .containsEntry("stateText", "closed").containsEntry("ownPolicy", true);
        assertThat(((Number) a.get("pending")).longValue()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> rate = (Map<String, Object>) ((Map<String, Object>) a.get("policy")).get("rate");
        assertThat(rate).containsEntry("text", "600/m").containsEntry("per", "minute");
    }

    @Test
    void pauseAndResumeOneSourceOrAllWithAReasonRecordedInTheHistory() {
        store.enqueue(NewJob.of("registry-a", "1"));
        store.enqueue(NewJob.of("registry-b", "1"));

        CliRunner.Run pause = cli.run("pause", "--source", "registry-a", "--reason", "registry asked us to stop");
        assertThat(pause.exit()).as(pause.toString()).isZero();
        assertThat(pause.out()).isEqualTo("source 'registry-a' paused: registry asked us to stop\n");
        assertThat(status("registry-a").state()).isEqualTo(SourceStatus.State.PAUSED);
        assertThat(status("registry-a").reason()).isEqualTo("registry asked us to stop");
        assertThat(status("registry-b").state()).isEqualTo(SourceStatus.State.CLOSED);
        assertThat(queue().sourceHistory("registry-a", 10)).extracting(SourceEvent::type)
                .contains(SourceEvent.Type.PAUSED);

        CliRunner.Run all = cli.run("pause", "--all");
        assertThat(all.out()).isEqualTo("all sources paused: paused with docket pause\n");
        assertThat(status("registry-b").state()).isEqualTo(SourceStatus.State.PAUSED);

        CliRunner.Run one = cli.run("resume", "--source", "registry-a");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.out()).contains("source 'registry-a' resumed")
                .contains("stays paused: all sources are paused ('docket resume --all' lifts that)");

        CliRunner.Run resumeAll = cli.run("resume", "--all");
        assertThat(resumeAll.out()).isEqualTo("all sources resumed\n");
        assertThat(status("registry-a").state()).isEqualTo(SourceStatus.State.CLOSED);
        assertThat(status("registry-b").state()).isEqualTo(SourceStatus.State.CLOSED);
        assertThat(cli.run("resume", "--source", "registry-b").out()).isEqualTo("source 'registry-b' was not paused\n");
    }

    @Test
    void limitChangesOnlyTheOptionsGivenStartingFromTheDefaultThenTheOwnPolicy() {
        CliRunner.Run show = cli.run("limit", "--source", "registry-a");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.out()).isEqualTo("source 'registry-a' follows the default policy: concurrency none, rate none,"
                + " breaker 5 failures (cool-down 30s to 10m)\n");

        CliRunner.Run set = cli.run("limit", "--source", "registry-a", "--concurrency", "4", "--rate", "20/s",
                "--burst", "5", "--breaker", "3");
        assertThat(set.exit()).as(set.toString()).isZero();
        assertThat(set.out()).startsWith("source 'registry-a': concurrency 4, rate 20/s burst 5, breaker 3 failures")
                .contains("was (default): concurrency none");
        SourcePolicy p = queue().sourcePolicy("registry-a").orElseThrow();
        assertThat(p.concurrency()).hasValue(4);
        assertThat(p.rate()).hasValue(new SourcePolicy.Rate(20, ChronoUnit.SECONDS, 5));
        assertThat(p.breakerFailures()).hasValue(3);

        CliRunner.Run rate = cli.run("limit", "--source", "registry-a", "--rate", "100/h");
        assertThat(rate.exit()).as(rate.toString()).isZero();
        SourcePolicy q = queue().sourcePolicy("registry-a").orElseThrow();
        assertThat(q.rate()).as("the burst is kept").hasValue(new SourcePolicy.Rate(100, ChronoUnit.HOURS, 5));
        assertThat(q.concurrency()).hasValue(4);

        assertThat(cli.run("limit", "--source", "registry-a", "--concurrency", "none", "--rate", "none", "--breaker",
                "off").exit()).isZero();
        SourcePolicy none = queue().sourcePolicy("registry-a").orElseThrow();
        assertThat(none.concurrency()).isEmpty();
        assertThat(none.rate()).isEmpty();
        assertThat(none.breakerFailures()).isEmpty();
        assertThat(queue().sourceHistory("registry-a", 10)).extracting(SourceEvent::type)
                .containsOnly(SourceEvent.Type.POLICY_CHANGED).hasSize(3);
    }

    @Test
    void badInputIsExitTwoNamingTheOptionAndTheValue() {
        assertError(cli.run("pause"), "give either --source SOURCE or --all");
        assertError(cli.run("pause", "--source", "a", "--all"), "give either --source SOURCE or --all");
        assertError(cli.run("pause", "--source", " "), "--source must not be blank but was ' '");
        assertError(cli.run("pause", "--all", "--reason", ""), "--reason must not be blank");
        assertError(cli.run("limit", "--source", "y".repeat(256)), "--source must be at most 255 characters", "256");
        assertError(cli.run("resume"), "give either --source SOURCE or --all");
        assertError(cli.run("limit"), "--source");
        assertError(cli.run("limit", "--source", "a", "--concurrency", "0"),
                "--concurrency must be a whole number 1-100000 or none but was '0'");
        assertError(cli.run("limit", "--source", "a", "--concurrency", "four"), "--concurrency", "'four'");
        assertError(cli.run("limit", "--source", "a", "--rate", "20/d"),
                "--rate must be N/s, N/m or N/h (N 1-1000000) or none but was '20/d'");
        assertError(cli.run("limit", "--source", "a", "--rate", "0/s"), "--rate", "'0/s'");
        assertError(cli.run("limit", "--source", "a", "--burst", "0", "--rate", "5/s"),
                "--burst must be a whole number 1-100000 but was '0'");
        assertError(cli.run("limit", "--source", "a", "--burst", "5", "--rate", "none"), "--burst needs a rate");
        assertError(cli.run("limit", "--source", "a", "--burst", "5"), "--burst needs a rate", "give --rate too");
        assertError(cli.run("limit", "--source", "a", "--breaker", "-1"),
                "--breaker must be a whole number 1-10000 or off but was '-1'");
        assertThat(queue().sources()).as("nothing was changed").isEmpty();
    }

    @Test
    void hostileSourceNamesAreRefusedOrPrintedSafely() {
        // enqueue refuses control characters in a job's source, so such a name is an error here too, printed safely
        CliRunner.Run evil = cli.run("pause", "--source", "reg\u001b[2J\rx", "--reason", "why");
        assertError(evil, "--source must not contain control characters but had U+001B at index 3: 'reg [2J x'");
        assertThat(evil.err()).doesNotContain("\u001b").doesNotContain("\r");

        String odd = "<b>reg</b> \"quoted\" " + "x".repeat(150);
        store.enqueue(NewJob.of(odd, "1"));
        CliRunner.Run r = cli.run("pause", "--source", odd, "--reason", "why\u001b]0;t\u0007");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).doesNotContain("\u001b").doesNotContain("\u0007").startsWith("source '<b>reg</b> \"quoted\" x")
                .contains("…' paused: why ]0;t ");
        CliRunner.Run list = cli.run("sources");
        assertThat(list.out()).doesNotContain("\u001b").contains("<b>reg</b> \"quoted\" xxx");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) MiniJson.object(cli.run("sources", "--json").out())
                .get("sources");
        assertThat(rows.get(0)).containsEntry("source", odd);
        assertThat((String) rows.get(0).get("reason")).startsWith("why").doesNotContain("\u001b");
    }

    @Test
    void diagnoseShowsTheSourcesAndAlertsOnAPausedSourceWithABacklog() {
        store.enqueue(NewJob.of("registry-a", "1"));
        queue().pauseSource("registry-a", "registry maintenance");

        CliRunner.Run r = cli.run("diagnose");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("SOURCES (circuit open alert after 10m; 'docket sources' shows the same)")
                .containsPattern("\\n  registry-a\\s+1\\s+0\\s.*paused: registry maintenance")
                .contains("! source registry-a is paused (registry maintenance) with 1 job(s) pending");
        Map<String, Object> json = MiniJson.object(cli.run("diagnose", "--json").out());
        assertThat((List<?>) json.get("sources")).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> thresholds = (Map<String, Object>) json.get("thresholds");
        assertThat(((Number) thresholds.get("circuitOpenAlertSeconds")).doubleValue()).isEqualTo(600.0);

        queue().resumeSource("registry-a");
        assertThat(cli.run("diagnose").exit()).isZero();
        assertError(cli.run("diagnose", "--circuit-open-alert", "0s"), "--circuit-open-alert must be greater than 0");
    }

    static void assertError(CliRunner.Run r, String... parts) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains(parts);
        assertThat(r.out()).as(r.toString()).isEmpty();
    }
}
