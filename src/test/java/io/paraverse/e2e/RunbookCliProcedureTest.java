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
 * RUNBOOK.md "Normal upgrade" up to the cutover decision, carried out with the runbook's own commands (the real CLI,
 * in-process) against a daemon: start, status (table and detail), pause while production writes, pause again
 * (refused, exit 4, naming the phases that allow it), resume, the clone equal to production translated, cutover
 * --dry-run (exit 0, plan, nothing changed), the exit codes for an unknown migration (5), a wrong token (6) and an
 * unreachable daemon (3), and finally abort (the operator aborting the migration).
 */
class RunbookCliProcedureTest {
    @TempDir
    Path work;

    private final List<String> out = Collections.synchronizedList(new ArrayList<>());

    @Test
    void theRunbookCommandsDriveAMigrationFromStartToTheCutoverDryRun() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("rb-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 2000, 1000, "verify: {every: 'off'}");
            Path token = work.resolve("token");
            Files.writeString(token, "runbook-token-77a1f0");
            Files.writeString(work.resolve("wrong-token"), "not-the-token");
            Path data = work.resolve("data");
            try (DaemonService daemon = new DaemonService(data, (m, l) -> out.add(m + ": " + l), (m, t) -> { });
                 ApiServer api = new ApiServer(daemon, new ApiServer.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                         BearerToken.fromFile(token), null, null), new DaemonMetrics(daemon)).start()) {
                daemon.startAll(List.of());
                String url = "http://127.0.0.1:" + api.port();
                String name = ShopSplitFixture.NAME;

                RunbookCli.Run empty = expect(0, RunbookCli.run(RunbookCli.against(url, token, "status")));
                assertTrue(empty.out().contains("(no migrations"), empty.toString());

                shop.startWriter();
                RunbookCli.Run started = expect(0, RunbookCli.run(RunbookCli.against(url, token, "start", yaml.toString())));
                assertTrue(started.out().startsWith("started " + name + " ("), started.toString());
                expect(4, RunbookCli.run(RunbookCli.against(url, token, "start", yaml.toString()))); // same name again

                MigrationRunner r = daemon.runner(name).orElseThrow();
                await(r, Phase.READY, 240);
                RunbookCli.Run detail = expect(0, RunbookCli.run(RunbookCli.against(url, token, "status", name)));
                assertTrue(detail.out().startsWith(name + ": READY since "), detail.toString());
                assertTrue(detail.out().contains("CATCHING_UP -> READY"), "the timeline: " + detail);
                RunbookCli.Run table = expect(0, RunbookCli.run(RunbookCli.against(url, token, "status")));
                assertTrue(table.out().lines().anyMatch(l -> l.startsWith(name) && l.contains("READY")), table.toString());

                // pause while production writes: apply stops, capture goes on
                RunbookCli.Run paused = expect(0, RunbookCli.run(RunbookCli.against(url, token, "pause", name, "--reason", "runbook: maintenance on the clone")));
                assertEquals(name + ": now PAUSED", paused.out().strip(), paused.toString());
                RunbookCli.Run again = expect(4, RunbookCli.run(RunbookCli.against(url, token, "pause", name, "--reason", "again")));
                assertTrue(again.err().contains("pause is not possible while the migration is PAUSED")
                        && again.err().contains("[CATCHING_UP, READY]"), again.toString());
                Thread.sleep(1100);
                var atPause = r.status();
                Thread.sleep(2100);
                assertEquals(atPause.rowsApplied(), r.status().rowsApplied(), "nothing is applied while PAUSED");
                assertTrue(r.status().rowsCaptured() > atPause.rowsCaptured(), "capture goes on while PAUSED");

                RunbookCli.Run resumed = expect(0, RunbookCli.run(RunbookCli.against(url, token, "resume", name, "--reason", "runbook: maintenance done")));
                assertEquals(name + ": now READY", resumed.out().strip(), resumed.toString());
                assertTrue(shop.stopWriter() > 100, "production was written throughout");
                assertNull(shop.awaitCloneEqualsProduction(data), "after the resume the clone catches up with everything written while paused");
                await(r, Phase.READY, 60);

                // the cutover decision: a dry run changes nothing
                RunbookCli.Run dry = expect(0, RunbookCli.run(RunbookCli.against(url, token, "cutover", name, "--dry-run")));
                assertTrue(dry.out().startsWith(name + ": DRY_RUN_PASSED -- every precondition passed"), dry.toString());
                assertTrue(dry.out().contains("preconditions:") && dry.out().contains("plan:") && !dry.out().contains("FAIL "), dry.toString());
                assertEquals(Phase.READY, r.state().phase());
                assertEquals("0", query(source, "SELECT @@GLOBAL.read_only"), "production is untouched by the dry run");

                // exit codes the runbook tells the operator to expect
                expect(5, RunbookCli.run(RunbookCli.against(url, token, "cutover", "no-such-migration", "--dry-run")));
                expect(6, RunbookCli.run(RunbookCli.against(url, work.resolve("wrong-token"), "status")));
                expect(3, RunbookCli.run(RunbookCli.against("http://127.0.0.1:1", token, "status")));
                RunbookCli.Run usage = RunbookCli.run("pause", name); // no --reason
                assertEquals(2, usage.exit(), usage.toString());
                assertTrue(usage.err().contains("--reason"), usage.toString());

                // the operator gives the migration up: final, production untouched
                RunbookCli.Run aborted = expect(0, RunbookCli.run(RunbookCli.against(url, token, "abort", name, "--reason", "runbook: test done")));
                assertEquals(name + ": now ABORTED", aborted.out().strip(), aborted.toString());
                expect(4, RunbookCli.run(RunbookCli.against(url, token, "abort", name, "--reason", "again")));
                RunbookCli.Run after = expect(0, RunbookCli.run(RunbookCli.against(url, token, "status", name)));
                assertTrue(after.out().startsWith(name + ": ABORTED"), after.toString());
                assertEquals("0", query(source, "SELECT @@GLOBAL.read_only"));
            }
            assertFalse(String.join("\n", out).contains(source.password()), "the source password never appears in output");
        }
    }

    private static RunbookCli.Run expect(int exit, RunbookCli.Run run) {
        assertEquals(exit, run.exit(), run.toString());
        assertFalse(run.out().contains("runbook-token-77a1f0") || run.err().contains("runbook-token-77a1f0"), "the token is never printed");
        return run;
    }

    private void await(MigrationRunner r, Phase phase, int seconds) throws InterruptedException {
        AwaitPhase.of(r, phase, seconds, out);
    }

    private static String query(MariaDbServer source, String sql) throws Exception {
        try (Connection c = source.connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
