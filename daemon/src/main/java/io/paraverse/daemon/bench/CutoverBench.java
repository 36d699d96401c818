package io.paraverse.daemon.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.WorkDirs;
import io.paraverse.daemon.cutover.CutoverReport;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The cutover's write-unavailability as the application sees it: a pooled application (HikariCP, default settings)
 * writes short transactions through the built-in proxy at a fixed fraction of the source's measured write capacity
 * while a real migration (clone, upgrade, catch-up to READY) is cut over; N times, each with a fresh schema, a fresh
 * migration and a fresh clone. Per cutover: the longest gap between successful commits around it, the daemon's own
 * write-unavailable time and steps, failed client transactions, committed rows missing from the database the
 * application ends on, and the slowest client transaction.
 */
@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = "Write-unavailability of N cutovers through the built-in proxy under a HikariCP workload at half the source's write capacity.")
public final class CutoverBench implements Callable<Integer> {
    static final long TARGET_WINDOW_P50_MS = 500;
    static final long TARGET_WINDOW_MAX_MS = 1000;
    private static final String APP_USER = "app";
    private static final String APP_PASSWORD = "bench-app-9c2e"; // a throwaway account on the bench's own servers

    @Option(names = "--cutovers", defaultValue = "10", description = "cutovers, each of a fresh migration (default ${DEFAULT-VALUE})")
    int cutovers;
    @Option(names = "--rows", defaultValue = "2000", description = "rows in the source table before each migration (default ${DEFAULT-VALUE})")
    int rows;
    @Option(names = "--clients", defaultValue = "8", description = "client threads = HikariCP pool size (default ${DEFAULT-VALUE})")
    int clients;
    @Option(names = "--load", defaultValue = "0.5", description = "client rate as a fraction of the measured write capacity (default ${DEFAULT-VALUE})")
    double load;
    @Option(names = "--json", description = "print the figures as JSON on stdout (progress goes to stderr)")
    boolean json;

    /** One cutover's figures. */
    record Result(int n, String outcome, String reason, long clientWindowMs, long daemonWindowMs, long committed, long failed,
                  String firstFailure, long lost, long maxLatencyMs, Map<String, Long> steps, double secondsToReady,
                  long achievedTxPerSecond, long requestMs) {
        boolean cutOver() {
            return CutoverReport.Outcome.CUT_OVER.name().equals(outcome);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = json ? System.err : System.out;
        Path work = WorkDirs.createRemovedOnExit("paraverse-bench-cutover-");
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("bench-cutover-src").baseDir(work))) {
            source.execute("CREATE USER '" + APP_USER + "'@'%' IDENTIFIED BY '" + APP_PASSWORD + "'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO '" + APP_USER + "'@'%'");
            createShop(source);
            out.printf("measuring the source's write capacity: %d clients, unthrottled, straight to the source ...%n", clients);
            double capacity = capacity(source);
            double rate = capacity * load;
            out.printf("capacity %,.0f tx/s; the workload runs at %,.0f tx/s (%.0f%%) through the proxy%n", capacity, rate, load * 100);

            List<Result> results = new ArrayList<>();
            for (int i = 1; i <= cutovers; i++) {
                Result r = oneCutover(source, work, i, rate, out);
                results.add(r);
                out.printf("cutover %d/%d: %s, client window %d ms, daemon window %d ms, failed %d, lost %d, max latency %d ms%n",
                        i, cutovers, r.outcome(), r.clientWindowMs(), r.daemonWindowMs(), r.failed(), r.lost(), r.maxLatencyMs());
            }
            Summary s = Summary.of(results);
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(jsonFigures(capacity, rate, results, s)));
            } else {
                printTable(out, capacity, rate, results, s);
            }
            return s.pass() ? 0 : 1;
        } finally {
            WorkDirs.delete(work);
        }
    }

    /** The source's table, fresh: the application's orders. */
    private void createShop(MariaDbServer source) {
        source.execute("SET GLOBAL read_only = OFF", // the previous cutover retired it
                "DROP DATABASE IF EXISTS shop", "CREATE DATABASE shop",
                "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY AUTO_INCREMENT, customer INT NOT NULL, amount INT NOT NULL)",
                "INSERT INTO shop.orders (customer, amount) SELECT seq, seq % 100 FROM mysql.seq_1_to_" + rows);
    }

    /** Transactions per second the source takes from the same clients straight (no proxy, no migration), unthrottled. */
    private double capacity(MariaDbServer source) throws Exception {
        try (HikariDataSource pool = pool("jdbc:mariadb://127.0.0.1:" + source.port() + "/shop")) {
            Workload w = new Workload(pool, clients, 0, rows);
            w.start();
            Thread.sleep(1000); // warm-up: pool filled, JIT
            long c0 = w.committedCount();
            long t0 = System.nanoTime();
            Thread.sleep(3000);
            double perSecond = (w.committedCount() - c0) / ((System.nanoTime() - t0) / 1e9);
            w.stop();
            if (w.failedCount() > 0) {
                throw new IllegalStateException("the capacity run against the source failed: " + w.firstFailure());
            }
            return perSecond;
        }
    }

    private HikariDataSource pool(String url) {
        HikariConfig hc = new HikariConfig(); // HikariCP's defaults otherwise: what an application would run with
        hc.setJdbcUrl(url);
        hc.setUsername(APP_USER);
        hc.setPassword(APP_PASSWORD);
        hc.setMaximumPoolSize(clients);
        hc.setPoolName("bench-app");
        return new HikariDataSource(hc);
    }

    private Result oneCutover(MariaDbServer source, Path work, int n, double rate, PrintStream out) throws Exception {
        createShop(source);
        Path dir = work.resolve("cutover-" + n);
        Files.createDirectories(dir);
        String name = "cutover-bench-" + n;
        int proxyPort = freePort();
        Path yaml = migrationFile(source, dir, name, proxyPort);
        ArrayDeque<String> lines = new ArrayDeque<>();
        long t0 = System.nanoTime();
        try (DaemonService daemon = new DaemonService(dir.resolve("data"), (m, l) -> remember(lines, l), (m, t) -> { })) {
            daemon.startAll(List.of(yaml));
            MigrationRunner runner = daemon.runner(name).orElseThrow();
            awaitReady(runner, lines);
            double toReady = (System.nanoTime() - t0) / 1e9;
            try (HikariDataSource pool = pool("jdbc:mariadb://127.0.0.1:" + proxyPort + "/shop")) {
                Workload w = new Workload(pool, clients, rate, rows);
                w.start();
                Thread.sleep(500);
                long steady0 = w.committedCount();
                long steadyT0 = System.nanoTime();
                Thread.sleep(1500); // steady state through the proxy before the cutover: the rate the clients reach
                long steadyRate = Math.round((w.committedCount() - steady0) / ((System.nanoTime() - steadyT0) / 1e9));
                long cutStart = System.nanoTime();
                runner.submit(new MigrationRunner.Cutover(false, null)).get(120, TimeUnit.SECONDS);
                long cutEnd = System.nanoTime();
                CutoverReport report = runner.migration().lastCutover();
                Thread.sleep(1500); // the clients carry on (on the clone if it cut over)
                long observedUntil = System.nanoTime();
                w.stop();
                long clientWindow = longestGapMillis(w.commitTimes(), cutStart - 500_000_000L, Math.min(observedUntil, cutEnd + 1_000_000_000L));
                boolean cutOver = report != null && report.outcome() == CutoverReport.Outcome.CUT_OVER;
                long lost;
                try (Connection db = cutOver ? clone(dir.resolve("data"), name) : source.connect("")) {
                    lost = lost(db, w.committedIds());
                }
                Map<String, Long> steps = new LinkedHashMap<>();
                if (report != null) {
                    report.steps().forEach(s -> steps.put(s.name(), s.millis()));
                }
                return new Result(n, report == null ? "NONE" : report.outcome().name(), report == null ? "no report" : report.reason(),
                        clientWindow, report == null || report.writeUnavailableMillis() == null ? -1 : report.writeUnavailableMillis(),
                        w.committedCount(), w.failedCount(), w.firstFailure() == null ? null : w.firstFailure().toString(),
                        lost, w.maxLatencyMillis(), steps, Math.round(toReady * 10) / 10.0,
                        steadyRate, (cutEnd - cutStart) / 1_000_000);
            }
        } finally {
            WorkDirs.delete(dir); // the clone's datadir: the next cutover has its own
        }
    }

    /** A migration of shop with a small upgrade (an index), identity translation, the built-in proxy as the switch. */
    private Path migrationFile(MariaDbServer source, Path dir, String name, int proxyPort) throws Exception {
        Files.writeString(dir.resolve("source.pw"), source.password());
        Files.writeString(dir.resolve("app.pw"), APP_PASSWORD);
        Files.writeString(dir.resolve("upgrade.sql"), "CREATE INDEX orders_customer ON shop.orders (customer);\n");
        Path yaml = dir.resolve("migration.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: " + name,
                "source: {host: 127.0.0.1, port: " + source.port() + ", user: root, password: 'file:source.pw'}",
                "target: {provisioner: local, datadir: local}",
                "clone: {method: snapshot, include: [shop]}",
                "upgrade: {sql: [upgrade.sql], timeout: 5m}",
                "journal: {dir: journal, disk_budget: 1GiB}",
                "catch_up: {ready_lag_seconds: 3, sustained: 2s}",
                "cutover: {switch: proxy, users: [" + APP_USER + "],",
                "          proxy: {listen: '127.0.0.1:" + proxyPort + "', users: {" + APP_USER + ": 'file:app.pw'}}}",
                "verify: {every: 'off'}", ""));
        return yaml;
    }

    private static void awaitReady(MigrationRunner r, ArrayDeque<String> lines) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (r.state().phase() != Phase.READY) {
            if (r.state().phase() == Phase.FAILED || System.nanoTime() > deadline) {
                String tail;
                synchronized (lines) {
                    tail = String.join("\n", lines);
                }
                throw new IllegalStateException("migration " + r.name() + " did not reach READY ("
                        + (r.state().phase() == Phase.FAILED ? "FAILED: " + r.state().failure() : "still " + r.state().phase() + " after 300 s")
                        + "); its last status lines:\n" + tail);
            }
            Thread.sleep(100);
        }
    }

    private static void remember(ArrayDeque<String> lines, String line) {
        synchronized (lines) {
            lines.addLast(line);
            if (lines.size() > 40) {
                lines.removeFirst();
            }
        }
    }

    /** The clone, reached as the provisioner persisted it in the daemon's data dir. */
    private static Connection clone(Path data, String name) throws Exception {
        var state = new ProvisionerStateStore(data.resolve(name).resolve("provisioner")).load(name).orElseThrow();
        return DriverManager.getConnection(state.jdbcUrl(), state.user(), state.credentialRef().resolve());
    }

    /** How many of the ids the clients saw committed are not in shop.orders on that database. */
    static long lost(Connection db, Set<Long> committed) throws Exception {
        Set<Long> present = new HashSet<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM shop.orders")) {
            while (rs.next()) {
                present.add(rs.getLong(1));
            }
        }
        return committed.stream().filter(id -> !present.contains(id)).count();
    }

    /**
     * The longest time without a successful commit within [from, to] (nanoTime): the write-unavailability window as the
     * clients saw it. The bounds count as points, so clients that never commit again yield at least {@code to - last}.
     */
    static long longestGapMillis(long[] commitNanos, long from, long to) {
        long[] sorted = commitNanos.clone();
        Arrays.sort(sorted);
        long previous = from;
        long longest = 0;
        for (long t : sorted) {
            if (t < from) {
                continue;
            }
            if (t > to) {
                break;
            }
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        longest = Math.max(longest, to - previous);
        return longest / 1_000_000;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Figures over all cutovers, and whether the issue's targets are met. */
    record Summary(long windowP50, long windowMax, long daemonWindowP50, long daemonWindowMax, long failed, long lost,
                   long maxLatency, long cutOver, int total, Map<String, Long> stepP50) {
        static Summary of(List<Result> results) {
            long[] windows = results.stream().mapToLong(Result::clientWindowMs).sorted().toArray();
            long[] daemon = results.stream().mapToLong(Result::daemonWindowMs).sorted().toArray();
            Map<String, List<Long>> byStep = new LinkedHashMap<>();
            for (Result r : results) {
                r.steps().forEach((k, v) -> byStep.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            }
            Map<String, Long> stepP50 = new LinkedHashMap<>();
            byStep.forEach((k, v) -> stepP50.put(k, p50(v.stream().mapToLong(Long::longValue).sorted().toArray())));
            return new Summary(p50(windows), max(windows), p50(daemon), max(daemon),
                    results.stream().mapToLong(Result::failed).sum(), results.stream().mapToLong(Result::lost).sum(),
                    results.stream().mapToLong(Result::maxLatencyMs).max().orElse(0),
                    results.stream().filter(Result::cutOver).count(), results.size(), stepP50);
        }

        boolean windowP50Met() { return windowP50 < TARGET_WINDOW_P50_MS; }
        boolean windowMaxMet() { return windowMax < TARGET_WINDOW_MAX_MS; }
        boolean allCutOver() { return cutOver == total && total > 0; }
        boolean pass() { return windowP50Met() && windowMaxMet() && failed == 0 && lost == 0 && allCutOver(); }

        /** The median; of an even count, the lower middle (a measured value, not an average of two). */
        private static long p50(long[] sorted) {
            return sorted.length == 0 ? 0 : sorted[(sorted.length - 1) / 2];
        }

        private static long max(long[] sorted) {
            return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        }
    }

    private void printTable(PrintStream out, double capacity, double rate, List<Result> results, Summary s) {
        out.println();
        out.printf("%d cutovers through the built-in proxy; %d HikariCP clients at %,.0f tx/s (%.0f%% of the source's %,.0f tx/s);"
                + " %,d rows; fresh migration + clone each%n", results.size(), clients, rate, load * 100, capacity, rows);
        out.println("client/daemon ms: write-unavailability window seen by the clients / reported by the daemon; tx/s: the clients' rate"
                + " through the proxy before the cutover; request ms: the"
                + " whole cutover request incl. preconditions; fence..switch: the daemon's steps, ms; ready s: migration start to READY");
        out.printf("%3s %-9s %9s %9s %7s %7s %6s %6s %7s %7s %6s %5s %6s %6s %6s %7s%n", "#", "outcome", "client ms", "daemon ms",
                "tx/s", "commits", "failed", "lost", "max lat", "request", "fence", "ro", "drain", "verify", "switch", "ready s");
        for (Result r : results) {
            out.printf("%3d %-9s %9d %9d %,7d %,7d %6d %6d %7d %7d %6s %5s %6s %6s %6s %7.1f%n", r.n(), r.outcome(), r.clientWindowMs(),
                    r.daemonWindowMs(), r.achievedTxPerSecond(), r.committed(), r.failed(), r.lost(), r.maxLatencyMs(), r.requestMs(),
                    step(r, "fence"), step(r, "read_only"),
                    step(r, "drain"), step(r, "verify"), step(r, "switch"), r.secondsToReady());
            if (!r.cutOver()) {
                out.println("    " + r.reason());
            }
            if (r.firstFailure() != null) {
                out.println("    first failed client transaction: " + r.firstFailure());
            }
        }
        out.println();
        out.printf("%-44s %10s %14s %6s%n", "figure", "measured", "target", "");
        out.printf("%-44s %10d %14s %6s%n", "write-unavailability window p50 (clients), ms", s.windowP50(), "< " + TARGET_WINDOW_P50_MS, s.windowP50Met() ? "PASS" : "FAIL");
        out.printf("%-44s %10d %14s %6s%n", "write-unavailability window max (clients), ms", s.windowMax(), "< " + TARGET_WINDOW_MAX_MS, s.windowMaxMet() ? "PASS" : "FAIL");
        out.printf("%-44s %10s %14s %6s%n", "daemon's writeUnavailableMillis p50 / max", s.daemonWindowP50() + " / " + s.daemonWindowMax(), "", "");
        out.printf("%-44s %10d %14s %6s%n", "failed client transactions", s.failed(), "0", s.failed() == 0 ? "PASS" : "FAIL");
        out.printf("%-44s %10d %14s %6s%n", "lost rows (committed, missing at the end)", s.lost(), "0", s.lost() == 0 ? "PASS" : "FAIL");
        out.printf("%-44s %10s %14s %6s%n", "cutovers that cut over", s.cutOver() + "/" + s.total(), "all", s.allCutOver() ? "PASS" : "FAIL");
        out.printf("%-44s %10d %14s %6s%n", "max client transaction latency, ms", s.maxLatency(), "", "");
        out.printf("%-44s %10s%n", "step p50, ms", s.stepP50());
        out.println(s.pass() ? "ALL TARGETS MET" : "TARGETS MISSED");
    }

    /** A step's millis by the start of its name (the report names them e.g. "fence proxy", "read_only on production"). */
    private static String step(Result r, String prefix) {
        return r.steps().entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(e -> String.valueOf(e.getValue()))
                .findFirst().orElse("-");
    }

    private Map<String, Object> jsonFigures(double capacity, double rate, List<Result> results, Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clients", clients);
        m.put("rows", rows);
        m.put("source_capacity_tx_per_s", Math.round(capacity));
        m.put("workload_tx_per_s", Math.round(rate));
        List<Map<String, Object>> rowsOut = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("n", r.n());
            c.put("outcome", r.outcome());
            c.put("reason", r.reason());
            c.put("client_window_ms", r.clientWindowMs());
            c.put("daemon_window_ms", r.daemonWindowMs());
            c.put("workload_tx_per_s", r.achievedTxPerSecond());
            c.put("committed", r.committed());
            c.put("failed", r.failed());
            c.put("first_failure", r.firstFailure());
            c.put("lost", r.lost());
            c.put("max_latency_ms", r.maxLatencyMs());
            c.put("request_ms", r.requestMs());
            c.put("steps_ms", r.steps());
            c.put("seconds_to_ready", r.secondsToReady());
            rowsOut.add(c);
        }
        m.put("cutovers", rowsOut);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("window_p50_ms", s.windowP50());
        summary.put("window_max_ms", s.windowMax());
        summary.put("daemon_window_p50_ms", s.daemonWindowP50());
        summary.put("daemon_window_max_ms", s.daemonWindowMax());
        summary.put("failed_transactions", s.failed());
        summary.put("lost_rows", s.lost());
        summary.put("max_latency_ms", s.maxLatency());
        summary.put("cut_over", s.cutOver());
        summary.put("step_p50_ms", s.stepP50());
        m.put("summary", summary);
        m.put("targets", Map.of("window_p50_ms_below", TARGET_WINDOW_P50_MS, "window_max_ms_below", TARGET_WINDOW_MAX_MS,
                "failed_transactions", 0, "lost_rows", 0));
        m.put("pass", s.pass());
        return m;
    }

    /**
     * The application: each client inserts an order and raises another's amount in one transaction, never retried;
     * paced to a shared rate (0: as fast as it can). Every commit's time and every committed id is kept.
     */
    static final class Workload {
        private final HikariDataSource pool;
        private final int clients;
        private final double rate;
        private final int rows;
        private final List<Client> all = new ArrayList<>();
        private volatile boolean running;

        Workload(HikariDataSource pool, int clients, double rate, int rows) {
            this.pool = pool;
            this.clients = clients;
            this.rate = rate;
            this.rows = rows;
        }

        void start() {
            running = true;
            for (int i = 0; i < clients; i++) {
                Client c = new Client(i);
                all.add(c);
                c.thread.start();
            }
        }

        void stop() throws InterruptedException {
            running = false;
            for (Client c : all) {
                c.thread.join(30_000);
            }
        }

        long committedCount() { return all.stream().mapToLong(c -> c.committed).sum(); }
        long failedCount() { return all.stream().mapToLong(c -> c.failed).sum(); }
        long maxLatencyMillis() { return all.stream().mapToLong(c -> c.maxLatencyNanos).max().orElse(0) / 1_000_000; }

        Throwable firstFailure() {
            return all.stream().map(c -> c.firstFailure).filter(f -> f != null).findFirst().orElse(null);
        }

        /** After {@link #stop()}. */
        long[] commitTimes() {
            return all.stream().flatMapToLong(c -> Arrays.stream(c.commitTimes, 0, c.commits)).toArray();
        }

        /** After {@link #stop()}. */
        Set<Long> committedIds() {
            Set<Long> ids = new HashSet<>();
            all.forEach(c -> ids.addAll(c.ids));
            return ids;
        }

        private final class Client {
            final Thread thread;
            final java.util.Random random;
            final List<Long> ids = new ArrayList<>();
            long[] commitTimes = new long[4096];
            int commits;
            volatile long committed;
            volatile long failed;
            volatile long maxLatencyNanos;
            volatile Throwable firstFailure;

            Client(int i) {
                random = new java.util.Random(i);
                thread = new Thread(this::loop, "bench-client-" + i);
                thread.setDaemon(true);
            }

            private void loop() {
                long interval = rate <= 0 ? 0 : (long) (1e9 * clients / rate);
                long next = System.nanoTime() + (interval == 0 ? 0 : random.nextLong(interval)); // spread the clients
                while (running) {
                    if (interval > 0) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                        next += interval;
                        long now = System.nanoTime();
                        if (next < now - interval) {
                            next = now; // behind after a stall: carry on at the rate, no burst to catch up
                        }
                    }
                    long t0 = System.nanoTime();
                    try {
                        long id = transaction();
                        long t1 = System.nanoTime();
                        ids.add(id);
                        if (commits == commitTimes.length) {
                            commitTimes = Arrays.copyOf(commitTimes, commits * 2);
                        }
                        commitTimes[commits++] = t1;
                        committed++;
                        maxLatencyNanos = Math.max(maxLatencyNanos, t1 - t0);
                    } catch (Exception e) {
                        failed++;
                        maxLatencyNanos = Math.max(maxLatencyNanos, System.nanoTime() - t0);
                        if (firstFailure == null) {
                            firstFailure = e;
                        }
                    }
                }
            }

            private long transaction() throws Exception {
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    long id;
                    try (PreparedStatement ins = c.prepareStatement("INSERT INTO orders (customer, amount) VALUES (?, ?)",
                            Statement.RETURN_GENERATED_KEYS)) {
                        ins.setInt(1, 1 + random.nextInt(rows));
                        ins.setInt(2, random.nextInt(100));
                        ins.executeUpdate();
                        try (ResultSet k = ins.getGeneratedKeys()) {
                            k.next();
                            id = k.getLong(1);
                        }
                    }
                    try (PreparedStatement up = c.prepareStatement("UPDATE orders SET amount = amount + 1 WHERE id = ?")) {
                        up.setLong(1, 1 + random.nextInt(rows));
                        up.executeUpdate();
                    }
                    c.commit();
                    return id;
                }
            }
        }
    }
}
