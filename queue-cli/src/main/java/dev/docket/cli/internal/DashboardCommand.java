package dev.docket.cli.internal;

import dev.docket.web.DashboardAuth;
import dev.docket.web.DashboardRole;
import dev.docket.web.DocketDashboard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docket dashboard [--port 8080] [--bind 127.0.0.1] [--read-only]}: serves the dashboard until stopped. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serve the Docket dashboard (overview, workers, jobs, stuck jobs) until interrupted (Ctrl-C).",
                "Without --token-file nobody signs in, so it listens on a loopback address only; whoever can reach it"
                        + " may act (reset, retry, cancel) unless --read-only."})
final class DashboardCommand extends BaseCommand {
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = DocketDashboard.DEFAULT_BIND,
            description = "Address to listen on (default: ${DEFAULT-VALUE}); another than loopback needs --token-file")
    String bind;

    @Option(names = "--read-only", description = "Show everything, allow no action")
    boolean readOnly;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Require 'Authorization: Bearer <token>' with the token in FILE (first line, 16+ characters)")
    Path tokenFile;

    private final CountDownLatch stopped = new CountDownLatch(1);

    DashboardCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws IOException {
        DashboardRole role = readOnly ? DashboardRole.READ_ONLY : DashboardRole.OPERATOR;
        DashboardAuth auth = tokenFile == null ? DashboardAuth.none(role) : DashboardAuth.bearer(token(), role);
        try (Session s = session();
                DocketDashboard dashboard = DocketDashboard.builder(s.store()).dataSource(s.dataSource())
                        .schema(s.schema()).port(port).bind(bind).auth(auth).start()) {
            Thread hook = new Thread(stopped::countDown, "docket-dashboard-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            ctx.out().println("Docket dashboard at " + dashboard.url() + " (" + (readOnly ? "read-only" : "operator")
                    + (tokenFile == null ? ", no sign-in" : ", bearer token") + "); Ctrl-C stops it");
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                removeHook(hook);
            }
        }
        return ExitCodes.OK;
    }

    private String token() throws IOException {
        String line = Files.readAllLines(tokenFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
        if (line.length() < 16) {
            throw usage("--token-file " + tokenFile + " must hold a token of at least 16 characters on its first line");
        }
        return line;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook has run
        }
    }
}
