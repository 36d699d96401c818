package io.paraverse.applier;

import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.cloud.local.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the test classes that share this module's one private target server, each with its own pool. */
abstract class SharedTargetTest {
    static MariaDbServer server;
    static HikariDataSource ds;

    @BeforeAll
    static void openTarget() {
        server = TestTarget.server();
        ds = TestTarget.dataSource(server);
    }

    @AfterAll
    static void closePool() {
        ds.close();
    }
}
