package dev.docket.cli.internal;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;

/**
 * What every command of one {@code run} shares: its standard input and output streams, its environment, the options given
 * before the command, and the secrets to mask in anything printed. Not thread-safe (one run, one thread).
 */
public final class CliContext {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final CommonOptions rootOptions;
    private Secrets secrets = new Secrets();

    public CliContext(InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
            CommonOptions rootOptions) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.env = Map.copyOf(env);
        this.rootOptions = rootOptions;
    }

    /** Standard input: read only for {@code --password-stdin}. */
    public InputStream in() {
        return in;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }

    public CommonOptions rootOptions() {
        return rootOptions;
    }

    public Secrets secrets() {
        return secrets;
    }

    void secrets(Secrets secrets) {
        this.secrets = secrets;
    }
}
