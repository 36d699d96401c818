package io.paraverse.e2e;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.migration.Migration;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.daemon.migration.config.MigrationConfigLoader;
import io.paraverse.daemon.migration.state.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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
            source.execute("CREATE DATABASE shop",
                    "CREATE TABLE shop.customer (id INT PRIMARY KEY, name VARCHAR(80) NOT NULL, email VARCHAR(120), city VARCHAR(60))",
                    "INSERT INTO shop.customer SELECT seq, CONCAT('Kund ', seq), CONCAT('k', seq, '@example.org'),"
                            + " ELT(1 + seq % 3, 'Malmö', 'Lund', NULL) FROM mysql.seq_1_to_3000");
            Files.writeString(work.resolve("source.pw"), source.password());
            Files.writeString(work.resolve("upgrade.sql"), String.join("\n",
                    "CREATE TABLE shop.client (client_id INT PRIMARY KEY, full_name VARCHAR(80) NOT NULL, email VARCHAR(120));",
                    "CREATE TABLE shop.address (client_id INT PRIMARY KEY, city VARCHAR(60) NOT NULL);",
                    "INSERT INTO shop.client SELECT id, name, email FROM shop.customer;",
                    "INSERT INTO shop.address SELECT id, city FROM shop.customer WHERE city IS NOT NULL;",
                    "DROP TABLE shop.customer;", ""));
            Files.writeString(work.resolve("split.yaml"), String.join("\n",
                    "tables:",
                    "  - source: shop.customer",
                    "    targets:",
                    "      - table: shop.client",
                    "        copy: none",
                    "        columns: {client_id: id, full_name: name, email: email}",
                    "      - table: shop.address",
                    "        copy: none",
                    "        columns: {client_id: id, city: {from: city, default: unknown}}",
                    "        where: {column: city, is_not_null: true}", ""));
            Path yaml = work.resolve("migration.yaml");
            Files.writeString(yaml, String.join("\n",
                    "name: shop-split",
                    "source: {host: 127.0.0.1, port: " + source.port() + ", user: root, password: 'file:source.pw'}",
                    "target: {provisioner: local, datadir: local}",
                    "clone: {method: snapshot, include: [shop]}",
                    "upgrade: {sql: [upgrade.sql], timeout: 5m}",
                    "translators: {mappings: [split.yaml]}",
                    "journal: {dir: journal, disk_budget: 1GiB}",
                    "catch_up: {ready_lag_seconds: 3, sustained: 2s}", ""));
            MigrationConfig config = MigrationConfigLoader.load(yaml);

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> writerError = new AtomicReference<>();
            AtomicLong changes = new AtomicLong();
            Thread writer = new Thread(() -> {
                Random r = new Random(7);
                try (Connection c = source.connect("shop"); Statement st = c.createStatement()) {
                    int next = 5000;
                    while (writing.get()) {
                        int id = 1 + r.nextInt(3000);
                        switch (r.nextInt(4)) {
                            case 0 -> st.executeUpdate("INSERT INTO customer VALUES (" + (next++) + ", 'neu', NULL, 'Ystad')");
                            case 1 -> st.executeUpdate("UPDATE customer SET city = " + (r.nextBoolean() ? "NULL" : "'Visby'") + " WHERE id = " + id);
                            case 2 -> st.executeUpdate("UPDATE customer SET name = CONCAT(name, '+'), email = NULL WHERE id = " + id);
                            default -> st.executeUpdate("DELETE FROM customer WHERE id = " + id);
                        }
                        changes.incrementAndGet();
                        Thread.sleep(2);
                    }
                } catch (Throwable e) {
                    writerError.set(e);
                }
            });
            writer.start();
            List<String> status = new ArrayList<>();
            Path data = work.resolve("data");
            try (Migration m = new Migration(config, data, line -> {
                synchronized (status) {
                    status.add(line);
                }
            })) {
                boolean ready = m.runUntilReady(() -> true);
                assertTrue(ready, "not READY: " + m.state() + "\n" + String.join("\n", status));
                assertEquals(Phase.READY, m.state().phase());
                assertEquals(List.of(Phase.PROVISIONING, Phase.CLONING, Phase.UPGRADING, Phase.CATCHING_UP, Phase.READY),
                        m.state().history().stream().map(h -> h.to()).toList());
                assertNotNull(m.state().clonePointGtid());
                writing.set(false);
                writer.join();
                assertNull(writerError.get());
                assertTrue(changes.get() > 100, "writers ran during the migration: " + changes.get());
                // drained: wait until the translated clone has everything, then compare with production translated
                String end = source.gtidBinlogPos();
                long deadline = System.nanoTime() + 60_000_000_000L;
                String expectedClient = query(source, "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, name, IFNULL(email, '-')))) FROM shop.customer");
                String expectedAddress = query(source, "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, city))) FROM shop.customer WHERE city IS NOT NULL");
                String client = null;
                String address = null;
                while (System.nanoTime() < deadline) {
                    client = queryTarget(m, "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', client_id, full_name, IFNULL(email, '-')))) FROM shop.client");
                    address = queryTarget(m, "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', client_id, city))) FROM shop.address");
                    if (expectedClient.equals(client) && expectedAddress.equals(address)) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertEquals(expectedClient, client, "client = production's customers translated (after " + end + ")");
                assertEquals(expectedAddress, address, "address = production's customers with a city");
            }
        }
    }

    private static String query(MariaDbServer s, String sql) throws Exception {
        try (Connection c = s.connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1) + "/" + rs.getString(2);
        }
    }

    /** Reads the migration's target through the state the provisioner persisted (address and credential reference). */
    private String queryTarget(Migration m, String sql) throws Exception {
        var state = new io.paraverse.cloud.ProvisionerStateStore(work.resolve("data").resolve("shop-split").resolve("provisioner"))
                .load("shop-split").orElseThrow();
        try (Connection c = DriverManager.getConnection(state.jdbcUrl(), state.user(), state.credentialRef().resolve());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1) + "/" + rs.getString(2);
        }
    }
}
