package dev.docket.spring.boot.internal;

import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Applies property values to Docket's builders so that a value a builder refuses fails start-up naming the
 * property ({@link InvalidConfigurationPropertyValueException}: Spring Boot's failure analyzer prints the
 * property, its value, where it came from and the builder's reason). Not part of the API.
 */
public final class PropertyChecks {
    private PropertyChecks() {
    }

    /** Calls {@code setter} with {@code value} unless it is null; a refusal names {@code property}. */
    public static <T> void apply(String property, T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            throw invalid(property, value, e.getMessage());
        }
    }

    /** The failure for {@code property} with {@code value}, its reason with builder field names as property names. */
    public static InvalidConfigurationPropertyValueException invalid(String property, Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(property, value, reason);
    }

    /**
     * The failure of a builder's {@code build()} whose message starts with a setting's name ({@code slotsPerBrowser
     * must be ...}): reported as {@code prefix} + the setting in kebab case ({@code slots-per-browser}), or as
     * {@code renamed}'s property when the setting has another name there, or as the prefix alone.
     */
    public static InvalidConfigurationPropertyValueException fromBuild(String prefix, IllegalArgumentException e,
            java.util.Set<String> properties, Map<String, String> renamed, Environment environment) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^[a-z][A-Za-z]*").matcher(message);
        if (m.find()) {
            String setting = m.group();
            String kebab = renamed.getOrDefault(setting, setting.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT));
            if (properties.contains(kebab)) {
                String property = prefix + kebab;
                return invalid(property, environment.getProperty(property), property + message.substring(setting.length()));
            }
        }
        return invalid(prefix.substring(0, prefix.length() - 1), null, message);
    }

    /**
     * The old environment variables among {@code names}, read through Spring's {@link Environment} (so they may
     * also be set as system properties or in a test), as the name-to-value map the {@code fromEnvironment}
     * builders read. Unset names are absent.
     */
    public static Map<String, String> legacyVariables(Environment environment, String... names) {
        java.util.LinkedHashMap<String, String> env = new java.util.LinkedHashMap<>();
        for (String name : names) {
            String value = environment.getProperty(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    /**
     * Runs {@code read} (a {@code fromEnvironment} builder reading the old variables); its refusal names the
     * variable, which becomes the property reported.
     */
    public static <T> T fromLegacyVariables(Map<String, String> env, java.util.function.Function<Map<String, String>, T> read) {
        try {
            return read.apply(env);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            for (Map.Entry<String, String> v : env.entrySet()) {
                if (message.startsWith(v.getKey())) {
                    throw invalid(v.getKey(), v.getValue(), message);
                }
            }
            throw e;
        }
    }
}
