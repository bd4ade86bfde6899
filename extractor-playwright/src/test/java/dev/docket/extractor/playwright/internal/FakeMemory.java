package dev.docket.extractor.playwright.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link MemoryReader} whose figures the test sets: a limit, the working set, one PSS per pid. */
public final class FakeMemory implements MemoryReader {
    public volatile Limit limit;
    public volatile long workingSet = -1;
    public final Map<Long, ProcFs.Entry> table = new HashMap<>();
    public final Map<Long, Long> pss = new HashMap<>();

    public FakeMemory(Limit limit) {
        this.limit = limit;
    }

    /** A process {@code pid} below {@code ppid} with {@code pssBytes}. */
    public synchronized FakeMemory process(long pid, long ppid, char state, long pssBytes) {
        table.put(pid, new ProcFs.Entry(pid, ppid, state));
        pss.put(pid, pssBytes);
        return this;
    }

    @Override
    public Limit limit() {
        return limit;
    }

    @Override
    public long workingSet() {
        return workingSet;
    }

    @Override
    public synchronized Map<Long, ProcFs.Entry> processes() {
        return new HashMap<>(table);
    }

    @Override
    public synchronized long pss(List<Long> pids) {
        long sum = 0;
        boolean any = false;
        for (long p : pids) {
            Long b = pss.get(p);
            if (b != null && b >= 0) {
                sum += b;
                any = true;
            }
        }
        return any ? sum : -1;
    }
}
