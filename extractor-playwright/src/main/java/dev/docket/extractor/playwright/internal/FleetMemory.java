package dev.docket.extractor.playwright.internal;

import dev.docket.extractor.playwright.FleetConfig;
import dev.docket.queue.ExtractorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The memory side of the browser fleet: from one sample of the process table it works out the PSS of each
 * browser's process tree, the memory in use against the limit in force, the memory per slot, how many slots fit
 * ({@code concurrency auto}), the defunct child processes, and whether new claims must be held (above the
 * high-water mark, until below the low-water mark). {@link #sample} runs on the supervisor thread; {@link #last()}
 * is read by {@code health()} from any thread.
 */
public final class FleetMemory {
    private static final Logger log = LoggerFactory.getLogger(FleetMemory.class);
    private static final long MIB = 1024L * 1024;
    /**
     * What one browser costs before its slots (its browser server, chromium's browser, GPU, network, storage and
     * zygote processes), measured by {@code PlaywrightBenchmark}: 1 slot 515-532 MiB, 4 slots 711-718 MiB.
     */
    static final long BROWSER_BASE_ESTIMATE = 470 * MIB;
    /** What each further slot (its renderer) adds, from the same measurements. */
    static final long SLOT_ESTIMATE = 64 * MIB;

    /** One browser as the pool sees it. */
    public record Browser(int index, long rootPid, int slotsSeen, boolean retired) {
    }

    /**
     * One sample.
     *
     * @param browserPss PSS per browser tree by browser pid (root pid), -1 unreadable
     * @param capacity   slots that fit (0: unknown)
     * @param holding    whether new claims are held
     */
    public record Snapshot(String detail, boolean holding, int capacity, Map<String, Long> figures, Map<Long, Long> browserPss) {
    }

    private final MemoryReader reader;
    private final FleetConfig fleet;
    private final int slotsPerBrowser;
    private final long selfPid;
    private volatile Snapshot last;
    private boolean holding;
    private boolean unknownLogged;

    public FleetMemory(MemoryReader reader, FleetConfig fleet, int slotsPerBrowser, long selfPid) {
        this.reader = reader;
        this.fleet = fleet;
        this.slotsPerBrowser = slotsPerBrowser;
        this.selfPid = selfPid;
    }

    /** The last sample, or null before the first. */
    public Snapshot last() {
        return last;
    }

    /** Samples now. Never throws; {@code recycled} is the pool's count of browsers retired so far. */
    public synchronized Snapshot sample(List<Browser> browsers, long recycled) {
        Map<Long, ProcFs.Entry> table = reader.processes();
        MemoryReader.Limit limit = reader.limit();
        Map<String, Long> figures = new LinkedHashMap<>();
        Map<Long, Long> pssByBrowser = new HashMap<>();
        long browsersTotal = 0;
        long perSlotMeasured = -1;
        List<String> shown = new ArrayList<>();
        for (Browser b : browsers) {
            long pss = reader.pss(ProcFs.tree(table, b.rootPid()));
            pssByBrowser.put(b.rootPid(), pss);
            if (pss < 0) {
                continue;
            }
            browsersTotal += pss;
            if (!b.retired()) {
                figures.put("memory.browser." + b.index() + ".bytes", pss);
            }
            shown.add("#" + b.index() + (b.retired() ? " (retiring)" : "") + " " + mib(pss));
            if (!b.retired() && b.slotsSeen() >= slotsPerBrowser) {
                perSlotMeasured = Math.max(perSlotMeasured, pss / slotsPerBrowser);
            }
        }
        long perSlot = perSlotMeasured > 0 ? perSlotMeasured
                : (BROWSER_BASE_ESTIMATE + SLOT_ESTIMATE * slotsPerBrowser) / slotsPerBrowser;
        long used = -1;
        if (limit != null && limit.cgroup()) {
            used = reader.workingSet();
        }
        if (used < 0 && limit != null) {
            used = reader.pss(ProcFs.tree(table, selfPid));
        }
        int defunct = table.isEmpty() ? -1 : Reaping.defunct(table, selfPid);
        int capacity = 0;
        String detail;
        if (limit == null || used < 0) {
            if (!unknownLogged) {
                unknownLogged = true;
                log.warn("the memory limit or the memory in use cannot be read here (no cgroup, /proc/meminfo or /proc):"
                        + " no claim is held for memory, and concurrency auto gets the runtime's default");
            }
            holding = false;
            detail = "memory unknown (no cgroup or /proc here); browsers " + (shown.isEmpty() ? "none" : String.join(", ", shown));
        } else {
            long high = (long) (limit.bytes() * fleet.memoryHighWater());
            long low = (long) (limit.bytes() * fleet.memoryLowWater());
            long reserve = fleet.memoryReserveBytesInForce();
            capacity = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (limit.bytes() - reserve) / perSlot));
            boolean wasHolding = holding;
            holding = holding ? used >= low : used > high;
            if (holding != wasHolding) {
                log.info(holding ? "memory in use {} is above the high-water mark {} ({}): holding new claims"
                        : "memory in use {} is below the low-water mark {} ({}): claiming again", mib(used),
                        mib(holding ? high : low), limit.source());
            }
            figures.put("memory.limit.bytes", limit.bytes());
            figures.put("memory.used.bytes", used);
            figures.put("memory.highWater.bytes", high);
            figures.put("memory.lowWater.bytes", low);
            figures.put("memory.reserve.bytes", reserve);
            figures.put("slots.capacity", (long) capacity);
            String marks = "high-water " + mib(high) + ", low-water " + mib(low);
            detail = (holding ? "memory in use " + mib(used) + " is above the " + (used > high ? "high-water mark" : "low-water mark")
                    + " of " + mib(limit.bytes()) + " (" + limit.source() + "; " + marks + "): no new job until it is below "
                    + mib(low) : "memory " + mib(used) + " in use of " + mib(limit.bytes()) + " (" + limit.source() + "; " + marks + ")")
                    + "; browsers " + (shown.isEmpty() ? "none" : String.join(", ", shown)) + ", " + mib(perSlot) + " per slot"
                    + (perSlotMeasured > 0 ? "" : " (estimate)") + ", room for " + capacity + " slot(s)";
        }
        figures.put("memory.browsers.bytes", browsersTotal);
        figures.put("memory.perSlot.bytes", perSlot);
        figures.put("browsers.recycled", recycled);
        if (defunct >= 0) {
            figures.put(ExtractorHealth.FIGURE_DEFUNCT_PROCESSES, (long) defunct);
            if (defunct > 0) {
                detail += "; " + defunct + " defunct child process(es): " + Reaping.FIX;
            }
        }
        Snapshot s = new Snapshot(detail, holding, capacity, figures, pssByBrowser);
        last = s;
        return s;
    }

    static String mib(long bytes) {
        return bytes >= 10L * 1024 * MIB ? String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * MIB))
                : (bytes / MIB) + " MiB";
    }
}
