package dev.docket.extractor.playwright.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The allow-lists of a {@code PlaywrightConfig}: one {@link HostAllowList} per document source and the list for
 * sources without their own. {@link Draft} collects them in the builder (lists accumulate) and validates them at
 * {@code build()}; the result is immutable.
 */
public final class SourceHosts {
    private final Map<String, HostAllowList> bySource;
    private final HostAllowList forAllSources;

    private SourceHosts(Draft d) {
        Map<String, HostAllowList> hosts = new LinkedHashMap<>();
        d.bySource.forEach((source, list) -> hosts.put(source, HostAllowList.of(list)));
        this.bySource = Collections.unmodifiableMap(hosts);
        this.forAllSources = HostAllowList.of(d.forAllSources);
    }

    /** The hosts jobs of {@code documentSource} may reach: its own list, else the list for all sources. */
    public Set<String> allowedHosts(String documentSource) {
        HostAllowList own = bySource.get(documentSource);
        return (own != null ? own : forAllSources).patterns();
    }

    /** The sources that have their own allow-list. */
    public Set<String> sources() {
        return bySource.keySet();
    }

    @Override
    public String toString() {
        return "allowedHosts=" + bySource + ", allowedHostsForAllSources=" + forAllSources;
    }

    /** The builder's host lists. Not thread-safe. */
    public static final class Draft {
        private final Map<String, Set<String>> bySource = new LinkedHashMap<>();
        private final Set<String> forAllSources = new LinkedHashSet<>();

        /** Adds {@code hosts} to the list of {@code documentSource}. */
        public void allow(String documentSource, String... hosts) {
            if (documentSource == null || documentSource.isBlank()) {
                throw new IllegalArgumentException("allowHosts: documentSource must not be blank but was '" + documentSource + "'");
            }
            Objects.requireNonNull(hosts, "hosts");
            bySource.computeIfAbsent(documentSource, k -> new LinkedHashSet<>()).addAll(Arrays.asList(hosts));
        }

        /** Adds {@code hosts} to the list for sources without their own. */
        public void allowForAllSources(String... hosts) {
            Objects.requireNonNull(hosts, "hosts");
            forAllSources.addAll(Arrays.asList(hosts));
        }

        /**
         * Validates every entry and returns the immutable lists.
         *
         * @throws IllegalArgumentException naming the list and the bad entry
         */
        public SourceHosts build() {
            bySource.forEach((source, hosts) -> hosts.forEach(h -> HostAllowList.validate("allowHosts(" + source + ")", h)));
            forAllSources.forEach(h -> HostAllowList.validate("allowHostsForAllSources", h));
            return new SourceHosts(this);
        }
    }
}
