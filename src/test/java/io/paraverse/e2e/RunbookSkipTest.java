package io.paraverse.e2e;

import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.api.ApiServer;
import io.paraverse.daemon.api.BearerToken;
import io.paraverse.daemon.api.DaemonMetrics;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * RUNBOOK.md "Translator error and audited skip" through a daemon and the runbook's commands: the clone refuses one
 * translated row (a CHECK constraint stands in for a schema the translator does not fit), the migration stops
 * FAILED naming the source table, key and GTID with nothing of that transaction applied; `paraverse skip NAME --gtid G
 * --reason R` sends it back to work, the transaction is skipped and audited in paraverse.skip_audit, and the rows
 * written after it arrive. The advice in the failure message (`skip --name ...`) is the replicate form: run as
 * printed it is refused (a gap RUNBOOK.md names).
 */
class RunbookSkipTest {
    @TempDir
    Path work;

    private final List<String> out = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aRowTheCloneRefusesFailsTheMigrationAndAnAuditedSkipLetsItGoOn() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("skip-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 500, 500, "verify: {every: 'off'}");
            Path token = work.resolve("token");
            Files.writeString(token, "runbook-token-5d20aa");
            Path data = work.resolve("data");
            String name = ShopSplitFixture.NAME;
            try (DaemonService daemon = new DaemonService(data, (m, l) -> out.add(m + ": " + l), (m, t) -> { });
                 ApiServer api = new ApiServer(daemon, new ApiServer.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                         BearerToken.fromFile(token), null, null), new DaemonMetrics(daemon)).start()) {
                daemon.startAll(List.of(yaml));
                String url = "http://127.0.0.1:" + api.port();
                MigrationRunner r = daemon.runner(name).orElseThrow();
                await(r, Phase.READY, 240);
                try (Connection clone = clone(data); Statement st = clone.createStatement()) {
                    st.execute("ALTER TABLE shop.address ADD CONSTRAINT no_helsingborg CHECK (city <> 'Helsingborg')");
                }

                source.execute("INSERT INTO shop.customer VALUES (5001, 'refused', NULL, 'Helsingborg')");
                String refusedGtid = query(source, "SELECT @@gtid_binlog_pos");
                source.execute("INSERT INTO shop.customer VALUES (5002, 'after it', NULL, 'Lund')");
                awaitFailed(r, 120);
                String failure = r.state().failure();
                assertTrue(failure.startsWith("READY: pipeline " + name + " failed: the target rejected ") && failure.contains("table shop.address, key [5001]")
                        && failure.contains("gtid " + refusedGtid) && failure.contains("CONSTRAINT `no_helsingborg` failed"),
                        "the failure names the clone's table, the key, the GTID and the clone's error: " + failure);
                // (a FAILED migration's local clone server is stopped: what was applied is checked after the skip)

                RunbookCli.Run status = RunbookCli.run(RunbookCli.against(url, token, "status", name));
                assertEquals(0, status.exit(), status.toString());
                assertTrue(status.out().startsWith(name + ": FAILED") && status.out().contains(refusedGtid), status.toString());

                // the advice as printed is the `replicate` form: refused for a migration (RUNBOOK.md, known gap)
                Matcher advice = Pattern.compile("paraverse (skip --name \\S+ --gtid \\S+) --reason").matcher(failure);
                if (advice.find()) {
                    List<String> printed = new ArrayList<>(List.of(advice.group(1).split(" ")));
                    printed.addAll(List.of("--reason", "as printed"));
                    RunbookCli.Run asPrinted = RunbookCli.run(RunbookCli.against(url, token, printed.toArray(String[]::new)));
                    assertEquals(1, asPrinted.exit(), asPrinted.toString());
                    assertTrue(asPrinted.err().contains("give the migration NAME (daemon) or --name and --target"), asPrinted.toString());
                }

                RunbookCli.Run skip = RunbookCli.run(RunbookCli.against(url, token, "skip", name, "--gtid", refusedGtid,
                        "--reason", "runbook: Helsingborg is not served by v2 (ticket 99)"));
                assertEquals(0, skip.exit(), skip.toString());
                assertTrue(skip.out().startsWith(name + ": now "), skip.toString());
                await(r, Phase.READY, 120);
                awaitCount(data, "SELECT COUNT(*) FROM shop.client WHERE client_id = 5002", 1);
                assertEquals(0, count(data, "SELECT COUNT(*) FROM shop.client WHERE client_id = 5001"), "the skipped transaction is not applied");
                assertEquals(1, count(data, "SELECT COUNT(*) FROM shop.address WHERE client_id = 5002 AND city = 'Lund'"));
                assertEquals(1, count(data, "SELECT COUNT(*) FROM paraverse.skip_audit WHERE pipeline = '" + name + "' AND gtid = '" + refusedGtid
                        + "' AND source_tables LIKE '%shop.customer%' AND rows_skipped = 1 AND reason LIKE '%ticket 99%'"),
                        "the skip is audited on the target");
                assertEquals(1, count(data, "SELECT COUNT(*) FROM paraverse.skip_audit"), "one transaction skipped, no other");
            }
        }
    }

    private void await(MigrationRunner r, Phase phase, int seconds) throws InterruptedException {
        AwaitPhase.of(r, phase, seconds, out);
    }

    private void awaitFailed(MigrationRunner r, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (r.state().phase() != Phase.FAILED) {
            assertTrue(System.nanoTime() < deadline, () -> "not FAILED within " + seconds + " s: " + r.state().phase() + "\n" + String.join("\n", out));
            Thread.sleep(200);
        }
    }

    private static void awaitCount(Path data, String sql, long expected) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (count(data, sql) != expected) {
            assertTrue(System.nanoTime() < deadline, "never " + expected + ": " + sql);
            Thread.sleep(200);
        }
    }

    private static long count(Path data, String sql) throws Exception {
        try (Connection c = clone(data); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection clone(Path data) throws Exception {
        var state = new ProvisionerStateStore(data.resolve(ShopSplitFixture.NAME).resolve("provisioner")).load(ShopSplitFixture.NAME).orElseThrow();
        return DriverManager.getConnection(state.jdbcUrl(), state.user(), state.credentialRef().resolve());
    }

    private static String query(MariaDbServer source, String sql) throws Exception {
        try (Connection c = source.connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
