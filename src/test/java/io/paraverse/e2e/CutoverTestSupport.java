package io.paraverse.e2e;

import io.paraverse.cloud.ProvisionerStateStore;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/** The shop-split migration's clone, found through what its provisioner persisted in the daemon's data dir. */
final class CutoverTestSupport {
    private CutoverTestSupport() { }

    static Connection target(Path data) throws Exception {
        var state = new ProvisionerStateStore(data.resolve(ShopSplitFixture.NAME).resolve("provisioner")).load(ShopSplitFixture.NAME).orElseThrow();
        return DriverManager.getConnection(state.jdbcUrl(), state.user(), state.credentialRef().resolve());
    }
}
