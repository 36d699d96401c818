package io.paraverse.e2e;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.migration.state.MigrationState;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.migration.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `paraverse daemon` in a child JVM, SIGKILLed during CLONING (a chunked copy) and during CATCHING_UP while a writer
 * keeps changing production; each restart with the same data directory continues the migration, which reaches READY
 * with the clone equal to production translated. Killed during UPGRADING, the restarted daemon fails the migration
 * (a half-upgraded clone cannot be resumed); `paraverse migration retry` sends it back to CLONING and the next
 * daemon takes it to READY.
 */
class DaemonKillNineTest {
    @TempDir
    Path work;

    @Test
    void theDaemonKilledDuringCloningAndCatchUpContinuesToReady() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("dkill-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("chunked", 60_000, 200);
            shop.startWriter();
            Path data = work.resolve("data");
            StateStore states = new StateStore(data);

            Process d = daemon(yaml, data, "run-1");
            awaitState(states, s -> s.phase() == Phase.CLONING, d, "run-1");
            awaitCopyProgress(data, d);
            kill(d);
            assertEquals(Phase.CLONING, states.load(ShopSplitFixture.NAME).orElseThrow().phase());

            d = daemon(yaml, data, "run-2");
            awaitState(states, s -> s.phase() == Phase.CATCHING_UP || s.phase() == Phase.READY, d, "run-2");
            kill(d);

            d = daemon(yaml, data, "run-3");
            awaitState(states, s -> s.phase() == Phase.READY, d, "run-3");
            assertTrue(shop.stopWriter() > 100, "the writer ran throughout");
            assertNull(shop.awaitCloneEqualsProduction(data));
            d.destroy(); // SIGTERM: a clean stop
            assertTrue(d.waitFor(60, TimeUnit.SECONDS));
            MigrationState end = states.load(ShopSplitFixture.NAME).orElseThrow();
            assertEquals(Phase.READY, end.phase(), "SIGTERM leaves the state as it was");
            String log = Files.readString(work.resolve("run-3.log"));
            assertFalse(log.contains(source.password()), "no password in the daemon's output");
            assertTrue(log.contains("[shop-split] READY: the clone is caught up") && log.contains("| behind "), log);
        }
    }

    @Test
    void theDaemonKilledDuringTheUpgradeFailsTheMigrationAndARetryReachesReady() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("dkill-up-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 2_000, 500);
            // a slow upgrade: the SQL, then a command that takes a while (the daemon is killed during it)
            Files.writeString(yaml, Files.readString(yaml).replace("upgrade: {sql: [upgrade.sql], timeout: 5m}",
                    "upgrade: {sql: [upgrade.sql], command: [sh, -c, 'echo upgrading; sleep 20'], timeout: 5m}"));
            Path data = work.resolve("data");
            StateStore states = new StateStore(data);
            Process d = daemon(yaml, data, "up-1");
            awaitState(states, s -> s.phase() == Phase.UPGRADING, d, "up-1");
            Thread.sleep(1_000);
            kill(d);

            d = daemon(yaml, data, "up-2");
            awaitState(states, s -> s.phase() == Phase.FAILED, d, "up-2"); // the daemon stays up for the operator
            d.destroy(); // SIGTERM: this operator retries offline (through the API would be `paraverse resume`)
            assertTrue(d.waitFor(120, TimeUnit.SECONDS), "SIGTERM stops the daemon");
            MigrationState failed = states.load(ShopSplitFixture.NAME).orElseThrow();
            assertEquals(Phase.FAILED, failed.phase());
            assertTrue(failed.failure().contains("half-upgraded"), failed.failure());
            assertTrue(Files.readString(work.resolve("up-2.log")).contains("half-upgraded"));
            try (var left = Files.list(data.resolve(ShopSplitFixture.NAME))) {
                assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("upgrade-credentials-")),
                        "the killed upgrade's password files are removed by the next start");
            }

            Files.writeString(yaml, Files.readString(yaml).replace("sleep 20", "sleep 1"));
            assertEquals(0, io.paraverse.daemon.Main.commandLine().execute("migration", "retry", "--data-dir", data.toString(),
                    "--reason", "clone again after the crash", yaml.toString()));
            assertEquals(Phase.CLONING, states.load(ShopSplitFixture.NAME).orElseThrow().phase());
            d = daemon(yaml, data, "up-3");
            awaitState(states, s -> s.phase() == Phase.READY, d, "up-3");
            assertNull(shop.awaitCloneEqualsProduction(data));
            assertEquals(2, states.load(ShopSplitFixture.NAME).orElseThrow().upgradeAttempts());
            d.destroy();
            assertTrue(d.waitFor(60, TimeUnit.SECONDS));
        }
    }

    private Process daemon(Path yaml, Path data, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"), "io.paraverse.daemon.Main",
                "daemon", "--data-dir", data.toString(), "--listen", "127.0.0.1:0", "--status-every", "1", yaml.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
    }

    private void awaitState(StateStore states, Predicate<MigrationState> ok, Process d, String name) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<MigrationState> s = states.load(ShopSplitFixture.NAME);
            if (s.isPresent() && ok.test(s.get())) {
                return;
            }
            assertTrue(d.isAlive(), "the daemon ended: " + s + "\n" + Files.readString(work.resolve(name + ".log")));
            Thread.sleep(50);
        }
        fail("state not reached: " + states.load(ShopSplitFixture.NAME) + "\n" + Files.readString(work.resolve(name + ".log")));
    }

    /** Waits until the chunked copy has committed some chunks (so the kill interrupts a copy in progress). */
    private void awaitCopyProgress(Path data, Process d) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            var state = new io.paraverse.cloud.ProvisionerStateStore(data.resolve(ShopSplitFixture.NAME).resolve("provisioner"))
                    .load(ShopSplitFixture.NAME);
            if (state.isPresent() && state.get().port() > 0) {
                try (var c = java.sql.DriverManager.getConnection(state.get().jdbcUrl(), state.get().user(), state.get().credentialRef().resolve());
                     var st = c.createStatement();
                     var rs = st.executeQuery("SELECT COALESCE(SUM(rows_copied), 0) FROM paraverse.copy_progress")) {
                    rs.next();
                    if (rs.getLong(1) > 2_000) {
                        return;
                    }
                } catch (java.sql.SQLException e) {
                    // not created yet
                }
            }
            assertTrue(d.isAlive(), "the daemon ended during the copy");
            Thread.sleep(50);
        }
        fail("the copy made no progress");
    }

    private static void kill(Process d) throws InterruptedException {
        d.destroyForcibly(); // SIGKILL
        assertTrue(d.waitFor(30, TimeUnit.SECONDS));
    }
}
