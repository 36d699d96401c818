package io.paraverse.daemon.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.cutover.CutoverReport;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;

import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The product's main job on local servers: a shop application writes to production through Paraverse's built-in
 * proxy; a migration file asks for an incompatible upgrade (customer split into client + address); the daemon clones
 * production onto a private MariaDB, runs the upgrade there, translates production's changes onto it until READY,
 * and cuts the application over. Proof: no client transaction failed, every order the application committed is on the
 * new database, and the new database equals production translated.
 */
final class UpgradeDemo {
    private static final String NAME = "shop-upgrade";

    private UpgradeDemo() { }

    static boolean run(Path work, boolean keep, int seconds, int writers, PrintStream out, Map<String, Object> summary) throws Exception {
        out.println("Paraverse demo: a zero-downtime upgrade across an incompatible schema change, on local MariaDB servers.");
        out.println("The shop's v2 splits `customer` into `client` + `address`. Paraverse clones production, upgrades the");
        out.println("clone, translates production's live changes onto it, and cuts the application over through its proxy.");
        out.println();
        out.print("1. starting production (a local MariaDB with binlog) ... ");
        try (MariaDbServer production = MariaDbServer.start(MariaDbOptions.source("demo-production").baseDir(work).keepData(keep))) {
            out.println(production.host() + ":" + production.port());
            String appPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
            production.execute("CREATE DATABASE shop",
                    "CREATE TABLE shop.customer (id INT PRIMARY KEY, name VARCHAR(80) NOT NULL, email VARCHAR(120), city VARCHAR(60))",
                    "INSERT INTO shop.customer SELECT seq, CONCAT('Kund ', seq), CONCAT('k', seq, '@example.org'),"
                            + " ELT(1 + seq % 3, 'Malmö', 'Lund', NULL) FROM mysql.seq_1_to_5000",
                    "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY AUTO_INCREMENT, customer INT NOT NULL, amount INT NOT NULL)",
                    "INSERT INTO shop.orders (customer, amount) SELECT 1 + seq % 5000, seq % 100 FROM mysql.seq_1_to_20000",
                    "CREATE USER 'app'@'%' IDENTIFIED BY '" + appPassword + "'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO 'app'@'%'");
            Path yaml = writeMigration(work, production, appPassword);
            int proxyPort = proxyPort(yaml);
            out.println("2. migration file " + yaml + " (upgrade.sql, split.yaml mapping, cutover through the proxy on 127.0.0.1:"
                    + proxyPort + ")");

            AtomicBoolean done = new AtomicBoolean();
            try (DaemonService daemon = new DaemonService(work.resolve("daemon"), (m, line) -> {
                if (line.startsWith("phase ") || line.startsWith("proxy: ")) {
                    out.println("   [daemon] " + line);
                }
            }, (m, t) -> { })) {
                daemon.startAll(List.of(yaml));
                MigrationRunner r = daemon.runner(NAME).orElseThrow();
                out.println("3. the application writes through the proxy while the daemon provisions, clones, upgrades and catches up:");
                Application app = new Application(proxyPort, appPassword, writers);
                app.start();
                long t0 = System.nanoTime();
                while (r.state().phase() != Phase.READY || System.nanoTime() - t0 < seconds * 1_000_000_000L) {
                    if (r.state().phase() == Phase.FAILED) {
                        out.println("FAILED: " + r.state().failure());
                        app.stop();
                        return false;
                    }
                    if (System.nanoTime() - t0 > 300_000_000_000L) {
                        out.println("not READY within 5 minutes: " + r.state().phase());
                        app.stop();
                        return false;
                    }
                    Thread.sleep(250);
                }
                var st = r.status();
                out.printf("   READY: the clone is %,d transactions (%.1f s) behind production; the application committed %,d"
                        + " transactions so far%n", Math.max(0, st.transactionsBehind()), Math.max(0, st.lagSeconds()), app.committed.get());
                app.stopEditingCustomers(); // v1's customer screens retire with v1: v2's write client/address
                out.println("4. cutover (dry run first, then for real) while orders keep coming in:");
                CutoverReport dry = cutover(r, true);
                out.println("   dry run: " + dry.outcome() + " -- " + dry.preconditions().size() + " preconditions checked");
                if (dry.outcome() != CutoverReport.Outcome.DRY_RUN_PASSED) {
                    out.println("   " + dry.reason());
                    app.stop();
                    return false;
                }
                CutoverReport cut = cutover(r, false);
                for (CutoverReport.Step s : cut.steps()) {
                    out.printf("   %-22s %5d ms  %s%n", s.name(), s.millis(), s.detail());
                }
                out.println("   " + cut.outcome() + ": " + cut.reason());
                Thread.sleep(1500); // orders keep coming, now to the new database
                app.stop();
                done.set(true);

                out.println("5. proof:");
                boolean cutOver = cut.outcome() == CutoverReport.Outcome.CUT_OVER;
                var state = new ProvisionerStateStore(work.resolve("daemon").resolve(NAME).resolve("provisioner"))
                        .load(NAME).orElseThrow();
                long missing;
                String translated;
                String onClone;
                try (Connection clone = DriverManager.getConnection(state.jdbcUrl(), state.user(), state.credentialRef().resolve());
                     Connection prod = production.connect("shop")) {
                    missing = app.missingOn(clone);
                    translated = one(prod, "SELECT CONCAT(COUNT(*), '/', SUM(CRC32(CONCAT_WS('|', id, name, IFNULL(email, '-'))))) FROM customer")
                            + " " + one(prod, "SELECT CONCAT(COUNT(*), '/', SUM(CRC32(CONCAT_WS('|', id, city)))) FROM customer WHERE city IS NOT NULL");
                    onClone = one(clone, "SELECT CONCAT(COUNT(*), '/', SUM(CRC32(CONCAT_WS('|', client_id, full_name, IFNULL(email, '-'))))) FROM shop.client")
                            + " " + one(clone, "SELECT CONCAT(COUNT(*), '/', SUM(CRC32(CONCAT_WS('|', client_id, city)))) FROM shop.address");
                }
                boolean equal = translated.equals(onClone);
                out.printf("   client transactions: %,d committed, %d failed%n", app.committed.get(), app.failed.get());
                out.printf("   orders the application committed missing on the new database: %d%n", missing);
                out.println("   production's customers translated = the new client + address tables: " + (equal ? "yes" : "NO (" + translated
                        + " vs " + onClone + ")"));
                out.println("   writes held during the cutover: " + cut.writeUnavailableMillis() + " ms; production is now read-only (retired)");
                summary.put("cutover", cut.outcome().name());
                summary.put("writesHeldMillis", cut.writeUnavailableMillis());
                summary.put("clientTransactionsCommitted", app.committed.get());
                summary.put("clientTransactionsFailed", app.failed.get());
                summary.put("ordersMissing", missing);
                summary.put("cloneEqualsProductionTranslated", equal);
                if (app.failed.get() > 0) {
                    out.println("   first failure: " + app.firstFailure.get());
                }
                return cutOver && equal && missing == 0 && app.failed.get() == 0;
            } finally {
                if (!done.get()) {
                    out.println("(stopped early)");
                }
            }
        }
    }

    private static CutoverReport cutover(MigrationRunner r, boolean dryRun) throws Exception {
        r.submit(new MigrationRunner.Cutover(dryRun, null)).get(180, TimeUnit.SECONDS);
        return r.migration().lastCutover();
    }

    private static Path writeMigration(Path work, MariaDbServer production, String appPassword) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(work.resolve("production.pw"), production.password());
        Files.writeString(work.resolve("app.pw"), appPassword);
        ShopSplitFiles.write(work);
        Path yaml = work.resolve("migration.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: " + NAME,
                "source: {host: 127.0.0.1, port: " + production.port() + ", user: root, password: 'file:production.pw'}",
                "target: {provisioner: local, datadir: local}",
                "clone: {method: snapshot, include: [shop]}",
                "upgrade: {sql: [upgrade.sql], timeout: 5m}",
                "translators: {mappings: [split.yaml]}",
                "journal: {dir: journal, disk_budget: 1GiB}",
                "catch_up: {ready_lag_seconds: 3, sustained: 3s}",
                "cutover: {switch: proxy, users: [app], proxy: {listen: '127.0.0.1:" + port + "', users: {app: 'file:app.pw'}}}",
                "verify: {every: 'off'}", ""));
        return yaml;
    }

    private static int proxyPort(Path yaml) throws Exception {
        String text = Files.readString(yaml);
        int i = text.indexOf("listen: '127.0.0.1:") + "listen: '127.0.0.1:".length();
        return Integer.parseInt(text.substring(i, text.indexOf('\'', i)));
    }

    private static String one(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The shop application: pooled connections through the proxy, orders always, customer edits until v1 retires. */
    private static final class Application {
        final AtomicLong committed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        private final Set<Long> orderIds = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicBoolean editingCustomers = new AtomicBoolean(true);
        private final HikariDataSource pool;
        private final Thread[] threads;

        Application(int proxyPort, String password, int writers) {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl("jdbc:mariadb://127.0.0.1:" + proxyPort + "/shop");
            c.setUsername("app");
            c.setPassword(password);
            c.setMaximumPoolSize(Math.max(2, writers * 2));
            c.setPoolName("demo-application");
            this.pool = new HikariDataSource(c);
            this.threads = new Thread[Math.max(1, writers)];
        }

        void start() {
            for (int i = 0; i < threads.length; i++) {
                int seed = i;
                threads[i] = new Thread(() -> loop(new Random(seed)), "demo-app-" + i);
                threads[i].start();
            }
        }

        void stopEditingCustomers() {
            editingCustomers.set(false);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }
            pool.close();
        }

        private void loop(Random random) {
            while (running.get()) {
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    long id;
                    try (PreparedStatement ins = c.prepareStatement("INSERT INTO orders (customer, amount) VALUES (?, ?)",
                            Statement.RETURN_GENERATED_KEYS)) {
                        ins.setInt(1, 1 + random.nextInt(5000));
                        ins.setInt(2, random.nextInt(100));
                        ins.executeUpdate();
                        try (ResultSet k = ins.getGeneratedKeys()) {
                            k.next();
                            id = k.getLong(1);
                        }
                    }
                    if (editingCustomers.get() && random.nextInt(3) == 0) {
                        try (PreparedStatement up = c.prepareStatement("UPDATE customer SET city = ?, email = ? WHERE id = ?")) {
                            up.setString(1, random.nextBoolean() ? null : "Visby");
                            up.setString(2, "k" + random.nextInt(100000) + "@example.org");
                            up.setInt(3, 1 + random.nextInt(5000));
                            up.executeUpdate();
                        }
                    }
                    c.commit();
                    orderIds.add(id);
                    committed.incrementAndGet();
                } catch (Exception e) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, e);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** How many of the orders this application saw committed are not on {@code db}. */
        long missingOn(Connection db) throws Exception {
            Set<Long> present = new java.util.HashSet<>();
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM shop.orders WHERE id > 20000")) {
                while (rs.next()) {
                    present.add(rs.getLong(1));
                }
            }
            return orderIds.stream().filter(id -> !present.contains(id)).count();
        }
    }
}
