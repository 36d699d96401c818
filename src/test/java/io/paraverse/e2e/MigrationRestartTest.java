package io.paraverse.e2e;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.migration.Migration;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.daemon.migration.config.MigrationConfigLoader;
import io.paraverse.daemon.migration.state.MigrationState;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.migration.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The two ways a migration stops for the operator: a daemon that died during the upgrade (the clone may be
 * half-upgraded: FAILED, and a retry clones again), and an upgrade script that fails (FAILED with the script's file,
 * line and error; fixed, the retry reaches READY).
 */
class MigrationRestartTest {
    @TempDir
    Path work;

    @Test
    void aRestartDuringTheUpgradeFailsAndARetryClonesAgain() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("mrestart-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            MigrationConfig config = MigrationConfigLoader.load(shop.prepare("snapshot", 2000, 500));
            Path data = work.resolve("data");
            StateStore store = new StateStore(data);
            Instant t = Instant.now();
            store.save(MigrationState.begin(ShopSplitFixture.NAME, t).moveTo(Phase.CLONING, null, t).moveTo(Phase.UPGRADING, null, t));
            try (Migration m = new Migration(config, data, line -> { })) {
                assertFalse(m.runUntilReady(() -> true));
                assertEquals(Phase.FAILED, m.state().phase());
                assertTrue(m.state().failure().contains("half-upgraded"), m.state().failure());
                m.retry("operator: clone again");
                assertEquals(Phase.CLONING, m.state().phase());
                assertTrue(m.runUntilReady(() -> true), String.valueOf(m.state()));
                assertEquals(2, m.state().upgradeAttempts());
                assertNull(shop.awaitCloneEqualsProduction(data));
            }
        }
    }

    @Test
    void aFailingUpgradeScriptFailsTheMigrationWithFileLineAndError() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("mfail-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 500, 500);
            String good = Files.readString(work.resolve("upgrade.sql"));
            Files.writeString(work.resolve("upgrade.sql"), "-- broken on purpose\nSELECT * FROM shop.no_such_table;\n" + good);
            Path data = work.resolve("data");
            try (Migration m = new Migration(MigrationConfigLoader.load(yaml), data, line -> { })) {
                assertFalse(m.runUntilReady(() -> true));
                assertEquals(Phase.FAILED, m.state().phase());
                assertEquals(Phase.UPGRADING, m.state().interrupted());
                assertTrue(m.state().failure().contains("upgrade.sql:2") && m.state().failure().contains("no_such_table"),
                        m.state().failure());
                assertTrue(Files.readString(data.resolve(ShopSplitFixture.NAME).resolve("upgrade.log")).contains("no_such_table"));
            }
            Files.writeString(work.resolve("upgrade.sql"), good);
            try (Migration m = new Migration(MigrationConfigLoader.load(yaml), data, line -> { })) {
                m.retry("upgrade script fixed");
                assertEquals(Phase.CLONING, m.state().phase(), "a failed upgrade is retried on a fresh clone");
                assertTrue(m.runUntilReady(() -> true), String.valueOf(m.state()));
                assertNull(shop.awaitCloneEqualsProduction(data));
            }
        }
    }

    @Test
    void aSchemaChangeOnProductionPausesTheMigrationNamingTheStatement() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("mddl-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 500, 500);
            Path data = work.resolve("data");
            try (Migration m = new Migration(MigrationConfigLoader.load(yaml), data, line -> { })) {
                assertTrue(m.runUntilReady(() -> true), String.valueOf(m.state()));
                source.execute("ALTER TABLE shop.customer ADD COLUMN vip BOOLEAN NOT NULL DEFAULT FALSE");
                assertTrue(m.holdReady(() -> true), "holdReady returns when the migration stops");
                assertEquals(Phase.PAUSED, m.state().phase());
                assertEquals(Phase.READY, m.state().interrupted());
                String why = m.state().history().get(m.state().history().size() - 1).reason();
                assertTrue(why.contains("ADD COLUMN vip") && why.contains("acknowledge"), why);
            }
            String gtid = java.util.regex.Pattern.compile("at GTID (\\S+)").matcher(
                    new StateStore(data).load(ShopSplitFixture.NAME).orElseThrow().history().stream()
                            .map(t -> String.valueOf(t.reason())).filter(r -> r.contains("source DDL")).findFirst().orElseThrow())
                    .results().findFirst().orElseThrow().group(1);
            // while a daemon holds the data dir, operator commands are refused
            try (var held = io.paraverse.daemon.migration.DataDirLock.acquire(data, "test")) {
                assertEquals(1, io.paraverse.daemon.Main.commandLine().execute("migration", "acknowledge-ddl", "--data-dir", data.toString(),
                        "--gtid", gtid, "--reason", "clone ready", yaml.toString()));
            }
            assertEquals(0, io.paraverse.daemon.Main.commandLine().execute("migration", "acknowledge-ddl", "--data-dir", data.toString(),
                    "--gtid", gtid, "--reason", "the mapping ignores vip", yaml.toString()));
            assertEquals(Phase.READY, new StateStore(data).load(ShopSplitFixture.NAME).orElseThrow().phase());
            source.execute("UPDATE shop.customer SET name = 'after the DDL', vip = TRUE WHERE id = 7");
            try (Migration m = new Migration(MigrationConfigLoader.load(yaml), data, line -> { })) {
                assertTrue(m.runUntilReady(() -> true));
                java.util.concurrent.atomic.AtomicBoolean run = new java.util.concurrent.atomic.AtomicBoolean(true);
                Thread hold = new Thread(() -> m.holdReady(run::get));
                hold.start();
                try {
                    assertNull(shop.awaitCloneEqualsProduction(data), "changes after the acknowledged DDL arrive");
                } finally {
                    run.set(false);
                    hold.join();
                }
                assertEquals(Phase.READY, m.state().phase());
            }
        }
    }
}
