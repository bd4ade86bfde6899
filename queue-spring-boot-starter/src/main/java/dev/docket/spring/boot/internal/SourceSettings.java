package dev.docket.spring.boot.internal;

import dev.docket.queue.SourcePolicy;
import dev.docket.spring.boot.DocketSourceProperties;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.core.env.Environment;

/** {@code docket.sources.<name>.*} to a {@link SourcePolicy}, each refusal naming its property. Not part of the API. */
public final class SourceSettings {
    /** The entry of {@code docket.sources} that is the default policy rather than a source's. */
    public static final String DEFAULT_ENTRY = "default";

    private static final Set<String> PROPERTIES = Set.of("concurrency", "rate", "burst", "breaker-failures",
            "breaker-cool-down", "breaker-max-cool-down", "throttle-without-hint", "throttle-max");
    private static final Map<String, String> RENAMED = Map.of("coolDownFrom", "breaker-cool-down",
            "coolDownTo", "breaker-max-cool-down");

    private SourceSettings() {
    }

    /** True when no setting of the entry is set (an empty entry is not a policy). */
    public static boolean isEmpty(DocketSourceProperties s) {
        return s.getConcurrency() == null && s.getRate() == null && s.getBurst() == null
                && s.getBreakerFailures() == null && s.getBreakerCoolDown() == null && s.getBreakerMaxCoolDown() == null
                && s.getThrottleWithoutHint() == null && s.getThrottleMax() == null;
    }

    /** The policy of entry {@code name}, from {@link SourcePolicy#builder()}'s defaults. */
    public static SourcePolicy policy(String name, DocketSourceProperties s, Environment environment) {
        String prefix = "docket.sources." + name + ".";
        SourcePolicy.Builder b = SourcePolicy.builder();
        PropertyChecks.apply(prefix + "concurrency", s.getConcurrency(), b::concurrency);
        String rate = s.getRate() == null ? null : s.getRate().trim();
        if (rate != null && !rate.equalsIgnoreCase("off")) {
            PropertyChecks.apply(prefix + "rate", rate, r -> b.rate(SourcePolicy.Rate.parse(r)));
            PropertyChecks.apply(prefix + "burst", s.getBurst(),
                    n -> b.rate(SourcePolicy.Rate.parse(rate).withBurst(n)));
        } else if (s.getBurst() != null) {
            throw PropertyChecks.invalid(prefix + "burst", s.getBurst(), "a burst needs " + prefix + "rate");
        }
        String failures = s.getBreakerFailures() == null ? null : s.getBreakerFailures().trim().toLowerCase(Locale.ROOT);
        if ("off".equals(failures) || "false".equals(failures)) {
            b.breakerOff();
        } else {
            int n = SourcePolicy.DEFAULT_BREAKER_FAILURES;
            if (failures != null) {
                try {
                    n = Integer.parseInt(failures);
                } catch (NumberFormatException e) {
                    throw PropertyChecks.invalid(prefix + "breaker-failures", s.getBreakerFailures(),
                            "must be a number (1-" + SourcePolicy.MAX_BREAKER_FAILURES + ") or 'off'");
                }
            }
            b.breaker(n, or(s.getBreakerCoolDown(), SourcePolicy.DEFAULT_COOL_DOWN_FROM),
                    or(s.getBreakerMaxCoolDown(), SourcePolicy.DEFAULT_COOL_DOWN_TO));
        }
        b.throttle(or(s.getThrottleWithoutHint(), SourcePolicy.DEFAULT_THROTTLE_WITHOUT_HINT),
                or(s.getThrottleMax(), SourcePolicy.DEFAULT_THROTTLE_MAX));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw PropertyChecks.fromBuild(prefix, e, PROPERTIES, RENAMED, environment);
        }
    }

    private static Duration or(Duration value, Duration otherwise) {
        return value != null ? value : otherwise;
    }
}
