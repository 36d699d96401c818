package io.paraverse.e2e;

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
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * RUNBOOK.md "Binlog purged on the source": the daemon is stopped while production keeps writing, and the source
 * purges the binlogs holding changes the journal does not have yet. Started again, the migration must not go on
 * with a gap: it stops (FAILED) with a message that names the source, the GTID position it needed and what to do,
 * `paraverse status NAME` shows it, and `paraverse resume` does not get past it (the procedure is abort
 * and start a new migration). Production is never touched by any of it.
 */
class RunbookBinlogPurgedTest {
    @TempDir
    Path work;

    private final List<String> out = Collections.synchronizedList(new ArrayList<>());

    @Test
    void binlogsPurgedPastTheJournalWhileTheDaemonWasStoppedStopTheMigrationNamingTheMissingPosition() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("purge-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 500, 500, "verify: {every: 'off'}");
            Path data = work.resolve("data");
            String journaledUpTo;
            try (DaemonService daemon = new DaemonService(data, (m, l) -> out.add("1st daemon: " + l), (m, t) -> { })) {
                daemon.startAll(List.of(yaml));
                MigrationRunner r = daemon.runner(ShopSplitFixture.NAME).orElseThrow();
                await(r, Phase.READY, 240);
                source.execute("UPDATE shop.customer SET name = 'before the stop' WHERE id = 1");
                assertNull(shop.awaitCloneEqualsProduction(data));
                journaledUpTo = query(source, "SELECT @@gtid_binlog_pos");
            }

            // the daemon is down; production keeps writing; the binlogs rotate and the old ones are purged
            source.execute("UPDATE shop.customer SET name = 'while the daemon was down' WHERE id <= 10", "FLUSH BINARY LOGS");
            String current = query(source, "SHOW MASTER STATUS");
            String firstKept = null;
            for (int i = 0; i < 100 && !current.equals(firstKept); i++) {
                // the server keeps a file still in use (binlog checkpoint pending, a dump thread not yet gone): try again
                source.execute("PURGE BINARY LOGS TO '" + current + "'");
                firstKept = query(source, "SHOW BINARY LOGS");
                Thread.sleep(100);
            }
            assertEquals(current, firstKept, "the binlogs before " + current + " are gone");
            String productionBefore = query(source, "SELECT CONCAT(COUNT(*), '/', SUM(CRC32(CONCAT_WS('|', id, name, email, city)))) FROM shop.customer");

            Files.writeString(work.resolve("token"), "runbook-token-2c9e41");
            try (DaemonService daemon = new DaemonService(data, (m, l) -> out.add("2nd daemon: " + l), (m, t) -> { });
                 ApiServer api = new ApiServer(daemon, new ApiServer.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                         BearerToken.fromFile(work.resolve("token")), null, null), new DaemonMetrics(daemon)).start()) {
                daemon.startAll(List.of(yaml));
                MigrationRunner r = daemon.runner(ShopSplitFixture.NAME).orElseThrow();
                awaitFailed(r, 120);
                String failure = r.state().failure();
                // What the operator sees (RUNBOOK.md quotes it): the source, the GTID position capture needed, that the
                // binlogs were purged (the server's error 1236), and what to do
                assertTrue(failure.contains("production (127.0.0.1:" + source.port() + ") no longer has the binlogs after GTID position '"
                        + journaledUpTo + "'"), "the failure names the position capture needed (" + journaledUpTo + "): " + failure);
                assertTrue(failure.contains("have been purged") && failure.contains("abort it and start a new one"), failure);
                String url = "http://127.0.0.1:" + api.port();
                Path token = work.resolve("token");
                RunbookCli.Run status = RunbookCli.run(RunbookCli.against(url, token, "status", ShopSplitFixture.NAME));
                assertEquals(0, status.exit(), status.toString());
                assertTrue(status.out().contains(ShopSplitFixture.NAME + ": FAILED"), status.toString());
                assertTrue(status.out().contains("have been purged"), "status shows the failure: " + status);

                // resuming goes back to catch-up, which cannot start from a purged position: FAILED again, same reason
                RunbookCli.Run resume = RunbookCli.run(RunbookCli.against(url, token, "resume", ShopSplitFixture.NAME,
                        "--reason", "runbook: try once after a purge"));
                assertEquals(0, resume.exit(), resume.toString());
                assertTrue(resume.out().contains("now "), resume.toString());
                awaitFailed(r, 120);
                assertEquals(2, r.state().history().stream().filter(t -> t.to() == Phase.FAILED).count(),
                        "failed again after the resume: " + r.state().history());
                assertTrue(r.state().failure().contains("have been purged"), r.state().failure());

                // the procedure: abort (the clone cannot be completed), then a new migration
                RunbookCli.Run abort = RunbookCli.run(RunbookCli.against(url, token, "abort", ShopSplitFixture.NAME,
                        "--reason", "runbook: binlogs purged past the journal"));
                assertEquals(0, abort.exit(), abort.toString());
                assertTrue(abort.out().contains("ABORTED"), abort.toString());
                RunbookCli.Run again = RunbookCli.run(RunbookCli.against(url, token, "start", yaml.toString()));
                assertEquals(4, again.exit(), "the aborted migration keeps its name until forgotten: " + again);
                RunbookCli.Run forget = RunbookCli.run(RunbookCli.against(url, token, "forget", ShopSplitFixture.NAME));
                assertEquals(0, forget.exit(), forget.toString());
                assertTrue(forget.out().contains("forgotten"), forget.toString());
                RunbookCli.Run fresh = RunbookCli.run(RunbookCli.against(url, token, "start", yaml.toString()));
                assertEquals(0, fresh.exit(), "a new migration under the same name: " + fresh);
                assertTrue(fresh.out().contains("started " + ShopSplitFixture.NAME), fresh.toString());
            }
            assertEquals(productionBefore, query(source, "SELECT CONCAT(COUNT(*), '/', SUM(CRC32(CONCAT_WS('|', id, name, email, city)))) FROM shop.customer"),
                    "production is untouched");
            String all = String.join("\n", out);
            assertFalse(all.contains(source.password()), "the source password never appears in output");
        }
    }

    private void await(MigrationRunner r, Phase phase, int seconds) throws InterruptedException {
        AwaitPhase.of(r, phase, seconds, out);
    }

    private void awaitFailed(MigrationRunner r, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (r.state().phase() != Phase.FAILED) {
            assertTrue(System.nanoTime() < deadline, () -> "not FAILED within " + seconds + " s but " + r.state().phase()
                    + " (a purged position must stop the migration, not be retried forever or skipped)\n" + String.join("\n", out));
            Thread.sleep(200);
        }
    }

    private static String query(MariaDbServer source, String sql) throws Exception {
        try (Connection c = source.connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
