package io.paraverse.e2e;

import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.cutover.CutoverReport;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Failures during a cutover, with a hook command as the switch: the clone's server killed during the drain (rolled
 * back, production writable at once; the migration then fails on its lost target, is resumed, and catches up again),
 * and a switch that fails after the point of no return (SWITCH_PENDING: production stays fenced, the clone has
 * everything; the daemon tries the switch again every few seconds and completes the cutover once it works). No row
 * is lost either way.
 */
class CutoverFailureTest {
    @TempDir
    Path work;

    @Test
    void targetKilledDuringTheDrainAndASwitchFailingAfterThePointOfNoReturn() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("cutfail-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path hook = CutoverTestSupport.hookScript(work);
            Path yaml = shop.prepare("snapshot", 2000, 1000, String.join("\n",
                    "cutover: {switch: hook, timeout: 8s, drain_timeout: 2s, max_drain: 5s,",
                    "          hook: {command: [sh, '" + hook + "'], timeout: 30s}}",
                    "verify: {every: 'off'}"));
            Path data = work.resolve("data");
            List<String> out = new ArrayList<>();
            try (DaemonService daemon = new DaemonService(data, (m, l) -> record(out, l), (m, t) -> { })) {
                daemon.startAll(List.of(yaml));
                MigrationRunner r = daemon.runner(ShopSplitFixture.NAME).orElseThrow();
                shop.startWriter();
                await(r, Phase.READY, out);

                // the clone's server dies during the drain: rolled back, production writable again
                Files.writeString(work.resolve("slow-fence"), "1");
                CompletableFuture<CutoverReport> asked = CompletableFuture.supplyAsync(() -> cutover(r));
                awaitFile(work.resolve("started-fence"));
                long pid = io.paraverse.cloud.local.MariaDbServer.runningServerPid(targetDir(data));
                assertTrue(pid > 0, "the clone's mariadbd runs");
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                CutoverReport rolledBack = asked.get(120, TimeUnit.SECONDS);
                Files.delete(work.resolve("slow-fence"));
                assertEquals(CutoverReport.Outcome.ROLLED_BACK, rolledBack.outcome(), rolledBack.toString());
                assertEquals(0, CutoverTestSupport.readOnly(source), "production writable again");
                // the pipeline has lost its target: the migration fails, naming it; resumed, it restarts the clone
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (r.state().phase() != Phase.FAILED && r.state().phase() != Phase.READY) {
                    assertTrue(System.nanoTime() < deadline, () -> r.state() + "\n" + String.join("\n", out));
                    Thread.sleep(100);
                }
                if (r.state().phase() == Phase.FAILED) {
                    r.submit(new MigrationRunner.Resume("the clone's server was restarted")).get(120, TimeUnit.SECONDS);
                }
                await(r, Phase.READY, out);

                // the switch fails after production was fenced and drained: pending, then completed when asked again
                assertTrue(shop.stopWriter() > 50); // it writes as root around the switch: stopped before a real cutover
                Files.writeString(work.resolve("fail-switch"), "");
                CutoverReport pending = cutover(r);
                assertEquals(CutoverReport.Outcome.SWITCH_PENDING, pending.outcome(), pending.toString());
                assertTrue(pending.reason().contains("exit") || pending.reason().contains("503"), pending.reason());
                assertEquals(Phase.CUTTING_OVER, r.state().phase());
                assertEquals(1, CutoverTestSupport.readOnly(source), "production stays fenced while the switch is pending");
                Thread.sleep(6_000); // the daemon tries the switch again every 5 s
                assertEquals(Phase.CUTTING_OVER, r.state().phase(), "still failing: still pending");
                assertTrue(Files.readAllLines(work.resolve("hook.log")).stream().filter(l -> l.startsWith("switch")).count() >= 2,
                        "the switch was tried again");
                Files.delete(work.resolve("fail-switch"));
                await(r, Phase.CUT_OVER, out); // the next try succeeds
                assertEquals(CutoverReport.Outcome.CUT_OVER, r.migration().lastCutover().outcome(), r.migration().lastCutover().toString());
                assertNull(shop.awaitCloneEqualsProduction(data));
            }
        }
    }

    private static CutoverReport cutover(MigrationRunner r) {
        try {
            r.submit(new MigrationRunner.Cutover(false, null)).get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return r.migration().lastCutover();
    }

    private static void await(MigrationRunner r, Phase phase, List<String> out) throws InterruptedException {
        AwaitPhase.of(r, phase, 240, out);
    }

    private static void awaitFile(Path f) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(f)) {
            assertTrue(System.nanoTime() < deadline, f + " never appeared");
            Thread.sleep(20);
        }
    }

    private static Path targetDir(Path data) {
        return Path.of(new ProvisionerStateStore(data.resolve(ShopSplitFixture.NAME).resolve("provisioner"))
                .load(ShopSplitFixture.NAME).orElseThrow().details().get("directory"));
    }


    private static void record(List<String> out, String line) {
        synchronized (out) {
            out.add(line);
        }
    }
}
