package io.paraverse.clone;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mysql.MySQLContainer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A MySQL 8 source (no binlog_snapshot_file): the snapshot clone needs the brief global read lock there. Runs only
 * where a Docker engine is available; skipped otherwise (this machine has none).
 */
@Testcontainers(disabledWithoutDocker = true)
class MySqlSourceContainerTest {
    @Container
    @SuppressWarnings("resource")
    private static final MySQLContainer MYSQL = new MySQLContainer("mysql:8.0.36")
            .withCommand("--default-authentication-plugin=mysql_native_password", "--binlog-format=ROW", "--server-id=7");

    @Test
    void globalReadLockCloneOfMySql8CopiesEveryRowAtAKnownPosition() throws Exception {
        String url = "jdbc:mariadb://" + MYSQL.getHost() + ":" + MYSQL.getMappedPort(3306) + "/";
        try (Connection c = DriverManager.getConnection(url, "root", MYSQL.getPassword()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE my8");
            st.execute("CREATE TABLE my8.t (id INT PRIMARY KEY, v VARCHAR(40), f FLOAT, d DATETIME(6))");
            st.execute("INSERT INTO my8.t VALUES (1, 'a', 1.5, '2024-01-01 00:00:00.000001'), (2, 'ü', -3.25e38, NULL)");
        }
        CloneEndpoint source = new CloneEndpoint(MYSQL.getHost(), MYSQL.getMappedPort(3306), "root", MYSQL.getPassword());
        CloneException refused = assertThrows(CloneException.class, () -> {
            try (MariaDbServer t = MariaDbServer.start(MariaDbOptions.target("my8-refused"))) {
                SnapshotClone.run(source, SnapshotCloneTest.endpoint(t), SnapshotClone.Options.of("my8"));
            }
        });
        assertTrue(refused.getMessage().contains("GLOBAL_READ_LOCK"), refused.getMessage());
        try (MariaDbServer target = MariaDbServer.start(MariaDbOptions.target("my8"))) {
            CloneResult r = SnapshotClone.run(source, SnapshotCloneTest.endpoint(target),
                    SnapshotClone.Options.of("my8").withSnapshotMethod(SnapshotMethod.GLOBAL_READ_LOCK));
            assertEquals(2L, r.totalRows());
            assertNotNull(r.clonePoint().binlogFile());
            assertEquals(2L, SnapshotCloneTest.longQuery(target, "SELECT COUNT(*) FROM my8.t WHERE v IN ('a', 'ü')"));
        }
    }
}
