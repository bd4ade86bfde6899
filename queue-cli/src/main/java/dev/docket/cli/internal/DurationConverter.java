package dev.docket.cli.internal;

import dev.docket.queue.internal.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads the durations operators type ({@code 500ms 30s 5m 2h 30d}, or ISO-8601 {@code PT5M}). */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse("duration", value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not a duration: use a number and a unit (ms, s, m, h, d)"
                    + " like 30s, 5m, 2h or 30d, or ISO-8601 like PT5M");
        }
    }
}
