package dev.docket.extractor.playwright.internal;

import dev.docket.extractor.playwright.FleetConfig;
import dev.docket.queue.ExtractorHealth;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FleetMemoryTest {
    private static final long MIB = 1024L * 1024;
    private static final long JVM = 100;

    private final FleetConfig fleet = FleetConfig.builder().memoryReserveBytes(1024 * MIB).memoryWaterMarks(0.9, 0.8).build();

    /** A JVM (pid 100) of 500 MiB and one browser tree: server 200 -> chromium 201 -> renderer 202. */
    private FakeMemory machine(MemoryReader.Limit limit, long rendererMiB) {
        return new FakeMemory(limit)
                .process(JVM, 1, 'S', 500 * MIB)
                .process(200, JVM, 'S', 170 * MIB)
                .process(201, 200, 'S', 300 * MIB)
                .process(202, 201, 'S', rendererMiB * MIB);
    }

    @Test
    void aCgroupLimitGivesTheFiguresTheSlotsThatFitAndHoldsAboveTheHighWaterMarkUntilBelowTheLowWaterMark() {
        FakeMemory m = machine(new MemoryReader.Limit(4096 * MIB, "cgroup v2 /docker/x", true), 250);
        FleetMemory memory = new FleetMemory(m, fleet, 4, JVM);
        List<FleetMemory.Browser> one = List.of(new FleetMemory.Browser(0, 200, 4, false));

        m.workingSet = 3000 * MIB;
        FleetMemory.Snapshot s = memory.sample(one, 2);
        assertThat(s.holding()).isFalse();
        assertThat(s.figures()).containsEntry("memory.limit.bytes", 4096 * MIB)
                .containsEntry("memory.used.bytes", 3000 * MIB)
                .containsEntry("memory.browser.0.bytes", 720 * MIB)
                .containsEntry("memory.perSlot.bytes", 180 * MIB)
                .containsEntry("browsers.recycled", 2L)
                .containsEntry(ExtractorHealth.FIGURE_DEFUNCT_PROCESSES, 0L);
        assertThat(s.capacity()).as("(4096 - 1024 reserve) / 180 per slot").isEqualTo(17);
        assertThat(s.detail()).contains("cgroup v2 /docker/x").contains("#0 720 MiB").contains("180 MiB per slot");

        m.workingSet = 3800 * MIB; // above 90 % of 4096 = 3686
        s = memory.sample(one, 2);
        assertThat(s.holding()).isTrue();
        assertThat(s.detail()).contains("above the high-water mark").contains("3800 MiB").contains("4096 MiB");

        m.workingSet = 3400 * MIB; // between the marks: still holding
        assertThat(memory.sample(one, 2).holding()).isTrue();
        m.workingSet = 3200 * MIB; // below 80 % = 3276
        assertThat(memory.sample(one, 2).holding()).isFalse();
    }

    @Test
    void withoutACgroupTheMemoryInUseIsThePssOfTheJvmAndEverythingBelowIt() {
        FakeMemory m = machine(new MemoryReader.Limit(2000 * MIB, "physical memory", false), 250);
        FleetMemory memory = new FleetMemory(m, fleet, 4, JVM);
        FleetMemory.Snapshot s = memory.sample(List.of(new FleetMemory.Browser(0, 200, 4, false)), 0);
        assertThat(s.figures()).containsEntry("memory.used.bytes", (500 + 720) * MIB);
        assertThat(s.holding()).isFalse();
        m.process(203, 201, 'S', 700 * MIB); // 1920 MiB > 1800
        assertThat(memory.sample(List.of(new FleetMemory.Browser(0, 200, 4, false)), 0).holding()).isTrue();
    }

    @Test
    void aBrowserWithFewerSlotsThanItCanHoldIsNotUsedForTheMemoryPerSlotWhichIsThenTheEstimate() {
        FakeMemory m = machine(new MemoryReader.Limit(4096 * MIB, "physical memory", false), 100);
        FleetMemory.Snapshot s = new FleetMemory(m, fleet, 4, JVM).sample(List.of(new FleetMemory.Browser(0, 200, 1, false)), 0);
        long estimate = (FleetMemory.BROWSER_BASE_ESTIMATE + 4 * FleetMemory.SLOT_ESTIMATE) / 4;
        assertThat(s.figures()).containsEntry("memory.perSlot.bytes", estimate);
        assertThat(s.detail()).contains("(estimate)");
    }

    @Test
    void defunctChildrenOfTheJvmAreCountedAndTheDetailGivesTheFix() {
        FakeMemory m = machine(new MemoryReader.Limit(4096 * MIB, "physical memory", false), 100)
                .process(300, JVM, 'Z', -1)
                .process(301, 201, 'Z', -1)
                .process(302, 1, 'Z', -1); // not ours
        FleetMemory.Snapshot s = new FleetMemory(m, fleet, 4, JVM).sample(List.of(new FleetMemory.Browser(0, 200, 4, false)), 0);
        assertThat(s.figures()).containsEntry(ExtractorHealth.FIGURE_DEFUNCT_PROCESSES, 2L);
        assertThat(s.detail()).contains("2 defunct").contains("docker run --init");
    }

    @Test
    void whereNeitherALimitNorProcCanBeReadNothingIsHeldAndNoSlotCountIsGiven() {
        FakeMemory m = new FakeMemory(null);
        FleetMemory.Snapshot s = new FleetMemory(m, fleet, 4, JVM).sample(List.of(), 0);
        assertThat(s.holding()).isFalse();
        assertThat(s.capacity()).isZero();
        assertThat(s.detail()).contains("memory unknown");
        assertThat(s.figures()).doesNotContainKey("memory.limit.bytes").doesNotContainKey(ExtractorHealth.FIGURE_DEFUNCT_PROCESSES);
    }
}
