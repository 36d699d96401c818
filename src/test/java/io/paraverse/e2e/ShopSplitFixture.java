package io.paraverse.e2e;

import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small incompatible upgrade for migration tests: production's {@code shop.customer} becomes {@code shop.client} +
 * {@code shop.address} (upgrade.sql), translated by a declarative mapping (split.yaml); a writer keeps inserting,
 * updating and deleting customers; and the check that the clone equals production translated.
 */
final class ShopSplitFixture {
    static final String NAME = "shop-split";
    private final MariaDbServer source;
    private final Path work;
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicReference<Throwable> writerError = new AtomicReference<>();
    private final AtomicLong changes = new AtomicLong();
    private Thread writer;

    ShopSplitFixture(MariaDbServer source, Path work) {
        this.source = source;
        this.work = work;
    }

    /** Creates production's data and the migration's files; returns the migration file. */
    Path prepare(String method, int rows, int chunkRows) throws Exception {
        return prepare(method, rows, chunkRows, "");
    }

    /** As {@link #prepare(String, int, int)}, with more YAML lines (e.g. a cutover section) at the end of the file. */
    Path prepare(String method, int rows, int chunkRows, String moreYaml) throws Exception {
        source.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.customer (id INT PRIMARY KEY, name VARCHAR(80) NOT NULL, email VARCHAR(120), city VARCHAR(60))",
                "INSERT INTO shop.customer SELECT seq, CONCAT('Kund ', seq), CONCAT('k', seq, '@example.org'),"
                        + " ELT(1 + seq % 3, 'Malmö', 'Lund', NULL) FROM mysql.seq_1_to_" + rows);
        Files.writeString(work.resolve("source.pw"), source.password());
        io.paraverse.daemon.demo.ShopSplitFiles.write(work); // the same upgrade the demo runs
        Path yaml = work.resolve("migration.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: " + NAME,
                "source: {host: 127.0.0.1, port: " + source.port() + ", user: root, password: 'file:source.pw'}",
                "target: {provisioner: local, datadir: local}",
                "clone: {method: " + method + ", include: [shop], chunk_rows: " + chunkRows + ", copiers: 1}",
                "upgrade: {sql: [upgrade.sql], timeout: 5m}",
                "translators: {mappings: [split.yaml]}",
                "journal: {dir: journal, disk_budget: 1GiB}",
                "catch_up: {ready_lag_seconds: 3, sustained: 2s}", moreYaml, ""));
        return yaml;
    }

    void startWriter() {
        writing.set(true);
        writer = new Thread(() -> {
            Random r = new Random(7);
            try (Connection c = source.connect("shop"); Statement st = c.createStatement()) {
                int next = 1_000_000;
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
        }, "shop-writer");
        writer.start();
    }

    /** Stops the writer; returns how many changes it made (fails if it broke). */
    long stopWriter() throws InterruptedException {
        writing.set(false);
        writer.join();
        if (writerError.get() != null) {
            throw new AssertionError("writer failed: " + writerError.get(), writerError.get());
        }
        return changes.get();
    }

    /**
     * Waits (up to a minute) until the clone equals production translated; returns null then, else what differs.
     * The clone is found through what the provisioner persisted in the daemon's data dir.
     */
    String awaitCloneEqualsProduction(Path dataDir) throws Exception {
        String expected;
        try (Connection c = source.connect("")) {
            expected = query(c, "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, name, IFNULL(email, '-')))) FROM shop.customer")
                    + " " + query(c, "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, city))) FROM shop.customer WHERE city IS NOT NULL");
        }
        String actual = null;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            var state = new ProvisionerStateStore(dataDir.resolve(NAME).resolve("provisioner")).load(NAME).orElseThrow();
            try (Connection c = DriverManager.getConnection(state.jdbcUrl(), state.user(), state.credentialRef().resolve())) {
                actual = query(c, "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', client_id, full_name, IFNULL(email, '-')))) FROM shop.client")
                        + " " + query(c, "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', client_id, city))) FROM shop.address");
            } catch (java.sql.SQLException e) {
                actual = e.getMessage(); // the daemon may be restarting its local server
            }
            if (expected.equals(actual)) {
                return null;
            }
            Thread.sleep(200);
        }
        return "production translated " + expected + " but the clone has " + actual;
    }

    private static String query(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1) + "/" + rs.getString(2);
        }
    }
}
