package dev.docket.queue.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads settings from environment variables (or any name-to-value map) into a config builder, for
 * {@code WorkerConfig.builderFromEnvironment} and {@code PlaywrightConfig.fromEnvironment}: an unset or blank
 * variable is skipped; a value that does not parse fails with {@code NAME must be ... but was 'value'}; a value
 * the builder's setter rejects fails with {@code NAME=value: <the setter's message>}. Not part of the API.
 */
public final class EnvSettings {
    private final Map<String, String> env;

    private EnvSettings(Map<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /** A reader over {@code env}. */
    public static EnvSettings of(Map<String, String> env) {
        return new EnvSettings(env);
    }

    /** The trimmed value of {@code name}, empty when unset or blank. */
    public Optional<String> string(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** An {@code int}: {@code NAME must be a whole number but was 'v'}. */
    public void integer(String name, Consumer<Integer> setter) {
        read(name, setter, v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number but was '" + v + "'", e);
            }
        });
    }

    /** A {@code long}: {@code NAME must be a whole number but was 'v'}. */
    public void number(String name, Consumer<Long> setter) {
        read(name, setter, v -> {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number but was '" + v + "'", e);
            }
        });
    }

    /** A duration in milliseconds: {@code NAME must be a whole number of milliseconds but was 'v'}. */
    public void millis(String name, Consumer<Duration> setter) {
        read(name, setter, v -> {
            try {
                return Duration.ofMillis(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number of milliseconds but was '" + v + "'", e);
            }
        });
    }

    /** {@code true} or {@code false}, any case: {@code NAME must be true or false but was 'v'}. */
    public void bool(String name, Consumer<Boolean> setter) {
        read(name, setter, v -> {
            String lower = v.trim().toLowerCase(Locale.ROOT);
            if (!lower.equals("true") && !lower.equals("false")) {
                throw new IllegalArgumentException(name + " must be true or false but was '" + v.trim() + "'");
            }
            return Boolean.parseBoolean(lower);
        });
    }

    /** A file path: {@code NAME must be a file path but was 'v'}. */
    public void path(String name, Consumer<Path> setter) {
        read(name, setter, v -> {
            try {
                return Path.of(v.trim());
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(name + " must be a file path but was '" + v.trim() + "'", e);
            }
        });
    }

    private interface Parser<T> {
        T parse(String raw);
    }

    private <T> void read(String name, Consumer<T> setter, Parser<T> parser) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return;
        }
        T value = parser.parse(v);
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + "=" + v + ": " + e.getMessage(), e);
        }
    }
}
