package io.paraverse.e2e;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.migration.Migration;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.daemon.migration.config.MigrationConfigLoader;
import io.paraverse.daemon.migration.state.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The product's main job from a migration file: a local target is provisioned, production is cloned, the clone is
 * upgraded to an incompatible schema (customer split into client + address) while writers keep changing production,
 * and the journal is applied through a declarative mapping until the migration is READY; then, writers stopped and
 * drained, the clone equals production translated.
 */
class MigrationTest {
    @TempDir
    Path work;

    @Test
    void aMigrationFileTakesProductionToReadyOnAnUpgradedClone() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("mig-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            MigrationConfig config = MigrationConfigLoader.load(shop.prepare("snapshot", 3000, 1000));
            shop.startWriter();
            List<String> status = new ArrayList<>();
            Path data = work.resolve("data");
            try (Migration m = new Migration(config, data, line -> {
                synchronized (status) {
                    status.add(line);
                }
            })) {
                boolean ready = m.runUntilReady(() -> true);
                assertTrue(ready, "not READY: " + m.state() + "\n" + String.join("\n", status));
                assertEquals(List.of(Phase.PROVISIONING, Phase.CLONING, Phase.UPGRADING, Phase.CATCHING_UP, Phase.READY),
                        m.state().history().stream().map(h -> h.to()).toList());
                assertNotNull(m.state().clonePointGtid());
                var st = m.status();
                assertEquals(Phase.READY, st.phase());
                assertTrue(st.transactionsBehind() >= 0, st.line());
                assertEquals(1L << 30, st.journalBudgetBytes());
                assertTrue(st.line().startsWith("READY | behind ") && st.line().contains("of budget"), st.line());
                assertTrue(shop.stopWriter() > 100, "the writer ran during the migration");
                assertNull(shop.awaitCloneEqualsProduction(data));
            }
        }
    }

    /** The same migration with catch-up applying on four target connections in parallel (write-set scheduling). */
    @Test
    void fourApplyWorkersTakeItToReadyEqually() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("mig4-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 3000, 1000);
            java.nio.file.Files.writeString(yaml, java.nio.file.Files.readString(yaml).replace("catch_up: {ready_lag_seconds: 3, sustained: 2s}",
                    "catch_up: {ready_lag_seconds: 3, sustained: 2s, apply_workers: 4}"));
            MigrationConfig config = MigrationConfigLoader.load(yaml);
            assertEquals(4, config.catchUp().applyWorkersOrDefault());
            shop.startWriter();
            Path data = work.resolve("data");
            try (Migration m = new Migration(config, data, line -> { })) {
                assertTrue(m.runUntilReady(() -> true), () -> "not READY: " + m.state());
                assertTrue(shop.stopWriter() > 100, "the writer ran during the migration");
                assertNull(shop.awaitCloneEqualsProduction(data));
                try (var c = java.sql.DriverManager.getConnection(new io.paraverse.cloud.ProvisionerStateStore(data.resolve(ShopSplitFixture.NAME)
                        .resolve("provisioner")).load(ShopSplitFixture.NAME).orElseThrow().jdbcUrl(), "root",
                        new io.paraverse.cloud.ProvisionerStateStore(data.resolve(ShopSplitFixture.NAME).resolve("provisioner"))
                                .load(ShopSplitFixture.NAME).orElseThrow().credentialRef().resolve());
                     var st = c.createStatement();
                     var rs = st.executeQuery("SELECT COUNT(*) FROM paraverse.apply_worker_checkpoint WHERE pipeline = 'shop-split'")) {
                    rs.next(); // (the worker progress table exists only when apply runs in parallel)
                    assertTrue(rs.getInt(1) >= 1, "the parallel workers recorded their progress");
                }
            }
        }
    }
}
