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

    /**
     * {@code --source} must be a job's source: not blank, at most 255 characters, no control characters (no
     * job can have another source: enqueue refuses it), so a name pasted with a terminal escape is an error, not a new source.
     */
    static String required(BaseCommand command, String source) {
        if (source == null || source.isBlank()) {
            throw command.usage("--source must not be blank but was '" + Table.sanitize(String.valueOf(source)) + "'");
        }
        if (source.length() > dev.docket.queue.NewJob.MAX_TEXT_LENGTH) {
            throw command.usage("--source must be at most " + dev.docket.queue.NewJob.MAX_TEXT_LENGTH
                    + " characters (as a job's source) but was " + source.length());
        }
        for (int i = 0; i < source.length(); i++) {
            if (Character.isISOControl(source.charAt(i))) {
                throw command.usage(String.format(java.util.Locale.ROOT,
                        "--source must not contain control characters but had U+%04X at index %d: '%s'",
                        (int) source.charAt(i), i, Table.printable(source)));
            }
        }
        return source;
    }
}
