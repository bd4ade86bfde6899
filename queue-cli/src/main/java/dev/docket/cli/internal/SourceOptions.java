package dev.docket.cli.internal;

/** The checks of {@code --source S | --all} shared by pause, resume and limit. Stateless. */
final class SourceOptions {
    private SourceOptions() {
    }

    /** Exactly one of {@code --source S} and {@code --all}; a blank source is a usage error naming it. */
    static void oneOf(BaseCommand command, String source, boolean all) {
        if ((source == null) == !all) {
            throw command.usage("give either --source SOURCE or --all");
        }
        if (source != null) {
            required(command, source);
        }
    }

    /** {@code --source} must not be blank. */
    static String required(BaseCommand command, String source) {
        if (source == null || source.isBlank()) {
            throw command.usage("--source must not be blank but was '" + Table.sanitize(String.valueOf(source)) + "'");
        }
        return source;
    }
}
