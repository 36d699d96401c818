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
}
