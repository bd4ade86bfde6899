package dev.docket.cli.internal;

import dev.docket.queue.JobQueue;
import dev.docket.queue.SourceStatus;
import java.util.List;

/** What the source commands share: the store's refusal turned into one line. Stateless. */
final class SourceCommands {
    private SourceCommands() {
    }

    /** {@link JobQueue#sources()}, or exit 2 with one line when the store has no source flow control. */
    static List<SourceStatus> sources(JobQueue queue) {
        return call(queue::sources);
    }

    /** Runs a source operation that returns nothing; see {@link #call}. */
    static void run(Runnable op) {
        call(() -> {
            op.run();
            return null;
        });
    }

    /** Runs a source operation; a store without source flow control is exit 2 with one line. */
    static <T> T call(java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (UnsupportedOperationException e) {
            throw CliException.error("this database's store has no source flow control (" + e.getMessage()
                    + "): run 'docket migrate' with this CLI's version", e);
        }
    }

    /** The source name as printed in one line: control characters (terminal escapes) made spaces, cut at 100. */
    static String name(String source) {
        return "'" + Table.printable(source) + "'";
    }
}
