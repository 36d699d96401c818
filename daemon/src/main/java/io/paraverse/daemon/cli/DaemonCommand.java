package io.paraverse.daemon.cli;

import io.paraverse.daemon.api.ApiServer;
import io.paraverse.daemon.api.BearerToken;
import io.paraverse.daemon.api.DaemonMetrics;
import io.paraverse.daemon.migration.DataDirLock;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The long-running daemon: drives each migration through its phases to READY and keeps it caught up there, serves
 * the REST API, metrics and status page, and carries out operators' requests. State lives in the data directory, so
 * a daemon killed at any moment (even kill -9) continues where it was when started again with the same data
 * directory. SIGTERM stops it gracefully.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run migrations: provision, clone, upgrade, catch up to READY, and keep them caught up; serve the",
                "REST API (/api/v1), Prometheus metrics (/metrics) and the status page (/).",
                "State is kept in --data-dir: start the daemon again after a crash and every migration continues",
                "(those given here and those created through the API). SIGTERM (Ctrl-C) stops it cleanly."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM, or every migration reached --until", "1:a migration failed or was aborted before --until",
                "2:bad usage"})
public final class DaemonCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "where migration state is kept") Path dataDir;
    @Parameters(arity = "0..*", paramLabel = "MIGRATION.yaml", description = "migration files (docs/MIGRATION.md)") List<Path> files = new ArrayList<>();
    @Option(names = "--listen", defaultValue = "127.0.0.1:8474", paramLabel = "HOST:PORT",
            description = "where the API listens (default ${DEFAULT-VALUE}); anything but loopback needs a token; port 0 picks one")
    String listen;
    @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the API bearer token") Path tokenFile;
    @Option(names = "--token-env", paramLabel = "VAR", description = "environment variable holding the API bearer token") String tokenEnv;
    @Option(names = "--tls-cert", paramLabel = "PEM", description = "serve HTTPS: certificate chain (PEM)") Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "PEM", description = "serve HTTPS: private key (unencrypted PKCS#8 PEM)") Path tlsKey;
    @Option(names = "--no-api", description = "do not serve the API (migrations from files only)") boolean noApi;
    @Option(names = "--log-format", defaultValue = "text", paramLabel = "text|json",
            description = "status lines and logs as text or one JSON object per line (default ${DEFAULT-VALUE})")
    DaemonLog.Format logFormat;
    @Option(names = "--until", paramLabel = "PHASE",
            description = "exit once every migration reached PHASE (READY or CUT_OVER): for one-shot jobs")
    Phase until;
    @Option(names = "--status-every", defaultValue = "10", paramLabel = "SECONDS", description = "status line interval (default ${DEFAULT-VALUE})")
    int statusEvery;

    @Override
    public Integer call() throws Exception {
        if (until != null && until != Phase.READY && until != Phase.CUT_OVER) {
            throw new IllegalArgumentException("--until must be READY or CUT_OVER, not " + until);
        }
        if (tokenFile != null && tokenEnv != null) {
            throw new IllegalArgumentException("give --token-file or --token-env, not both");
        }
        DaemonLog out = new DaemonLog(logFormat);
        BearerToken token = tokenFile != null ? BearerToken.fromFile(tokenFile) : tokenEnv != null ? BearerToken.fromEnv(tokenEnv) : null;
        ApiServer.Settings apiSettings = new ApiServer.Settings(address(listen), token, tlsCert, tlsKey);
        DataDirLock lock = DataDirLock.acquire(dataDir, "another daemon"); // held until the process ends
        DaemonService daemon = new DaemonService(dataDir, out::say, out::transition);
        ApiServer api = null;
        if (!noApi) {
            api = new ApiServer(daemon, apiSettings, new DaemonMetrics(daemon)); // refuses a non-loopback address without a token
        }
        daemon.startAll(files);
        if (api != null) {
            api.start();
            out.say(null, "API on " + (tlsCert == null ? "http" : "https") + "://" + apiSettings.listen().getHostString() + ":" + api.port()
                    + (token == null ? " (no token: loopback only)" : " (bearer token required)"));
        }
        var ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "daemon-status");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            for (MigrationRunner r : daemon.runners()) {
                try {
                    var st = r.status();
                    if (st.phase() != null) {
                        out.say(r.name(), st.line());
                    }
                } catch (RuntimeException e) {
                    out.say(r.name(), "status unavailable: " + e.getMessage());
                }
            }
        }, statusEvery, statusEvery, TimeUnit.SECONDS);
        CountDownLatch stopped = new CountDownLatch(1);
        ApiServer apiToClose = api;
        Thread hook = new Thread(() -> {
            out.say(null, "stopping: migrations finish their current step and keep their state");
            daemon.close();
            if (apiToClose != null) {
                apiToClose.close();
            }
            stopped.countDown();
        }, "daemon-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int exit = 0;
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (until != null && !daemon.runners().isEmpty()) {
                List<Phase> phases = daemon.runners().stream().map(r -> r.state().phase()).toList();
                if (phases.stream().allMatch(p -> p == until)) {
                    out.say(null, "every migration is " + until + ": exiting (--until)");
                    break;
                }
                if (phases.stream().anyMatch(p -> p == Phase.FAILED || p == Phase.ABORTED || (p == Phase.CUT_OVER && until == Phase.READY))) {
                    out.say(null, "a migration is " + phases + " before reaching " + until + ": exiting with 1");
                    exit = 1;
                    break;
                }
            }
        }
        if (stopped.getCount() > 0) {
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.run();
        }
        ticker.shutdownNow();
        lock.close();
        return exit;
    }

    /** {@code HOST:PORT}, {@code :PORT} (all interfaces) or {@code [v6]:PORT}. */
    static InetSocketAddress address(String hostPort) throws java.net.UnknownHostException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen must be HOST:PORT, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen: the port in '" + hostPort + "' is not a number");
        }
        return new InetSocketAddress(host.isEmpty() ? InetAddress.getByName("0.0.0.0") : InetAddress.getByName(host), port);
    }
}
