package io.paraverse.daemon.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A small web shop: customers, orders and order lines, written the way an application does — new orders with
 * their lines in one transaction, payments, cancellations (deletes), e-mail changes. The demo's workload.
 */
public final class ShopWorkload {
    public static final String SCHEMA = "shop";
    public static final List<String> TABLES = List.of("customers", "orders", "order_lines");

    public List<String> ddl() {
        return List.of(
                "CREATE DATABASE IF NOT EXISTS shop CHARACTER SET utf8mb4",
                "CREATE TABLE IF NOT EXISTS shop.customers (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                        + " name VARCHAR(80) NOT NULL, email VARCHAR(120) NOT NULL, created DATETIME(3) NOT NULL,"
                        + " UNIQUE KEY uq_email (email))",
                "CREATE TABLE IF NOT EXISTS shop.orders (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                        + " customer_id INT UNSIGNED NOT NULL, status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',"
                        + " total DECIMAL(12,2) NOT NULL, placed TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                        + " note TEXT NULL, KEY k_customer (customer_id))",
                "CREATE TABLE IF NOT EXISTS shop.order_lines (order_id BIGINT UNSIGNED NOT NULL, line TINYINT UNSIGNED NOT NULL,"
                        + " sku CHAR(8) NOT NULL, qty SMALLINT NOT NULL, price DECIMAL(10,2) NOT NULL, PRIMARY KEY (order_id, line))");
    }

    private static final String[] NAMES = {"Ada", "Grace", "Linus", "Zoë", "Søren", "Ängel", "李雷", "Olúwa", "Émile", "Kō"};

    /** Runs until {@code keepGoing} is false; counts committed row changes. */
    public void run(Connection c, BooleanSupplier keepGoing, AtomicLong rowChanges) throws SQLException {
        c.setAutoCommit(false);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        try (PreparedStatement newCustomer = c.prepareStatement(
                "INSERT INTO shop.customers (name, email, created) VALUES (?, ?, NOW(3))", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement newOrder = c.prepareStatement(
                     "INSERT INTO shop.orders (customer_id, total, note) VALUES (?, 0, ?)", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement newLine = c.prepareStatement(
                     "INSERT INTO shop.order_lines (order_id, line, sku, qty, price) VALUES (?, ?, ?, ?, ?)");
             PreparedStatement total = c.prepareStatement(
                     "UPDATE shop.orders SET total = (SELECT SUM(qty * price) FROM shop.order_lines WHERE order_id = ?) WHERE id = ?");
             Statement st = c.createStatement()) {
            while (keepGoing.getAsBoolean()) {
                int changed = 0;
                int action = rnd.nextInt(100);
                try {
                    if (action < 10) {
                        newCustomer.setString(1, NAMES[rnd.nextInt(NAMES.length)] + " " + rnd.nextInt(1000));
                        newCustomer.setString(2, "u" + System.nanoTime() + rnd.nextInt(1000) + "@example.org");
                        changed += newCustomer.executeUpdate();
                    } else if (action < 60) {
                        newOrder.setLong(1, 1 + rnd.nextInt(200));
                        newOrder.setString(2, rnd.nextBoolean() ? null : "gift wrap 🎁 please");
                        changed += newOrder.executeUpdate();
                        long orderId;
                        try (ResultSet keys = newOrder.getGeneratedKeys()) {
                            keys.next();
                            orderId = keys.getLong(1);
                        }
                        int lines = 1 + rnd.nextInt(4);
                        for (int l = 1; l <= lines; l++) {
                            newLine.setLong(1, orderId);
                            newLine.setInt(2, l);
                            newLine.setString(3, "SKU" + (10000 + rnd.nextInt(90000)));
                            newLine.setInt(4, 1 + rnd.nextInt(5));
                            newLine.setBigDecimal(5, java.math.BigDecimal.valueOf(rnd.nextInt(1, 100000), 2));
                            newLine.addBatch();
                        }
                        for (int n : newLine.executeBatch()) {
                            changed += Math.max(n, 0);
                        }
                        total.setLong(1, orderId);
                        total.setLong(2, orderId);
                        changed += total.executeUpdate();
                    } else if (action < 85) {
                        changed += st.executeUpdate("UPDATE shop.orders SET status = IF(status = 'new', 'paid', 'shipped')"
                                + " WHERE status <> 'shipped' ORDER BY id DESC LIMIT " + (1 + rnd.nextInt(3)));
                    } else if (action < 95) {
                        long victim = pick(st, "SELECT id FROM shop.orders WHERE status = 'new' ORDER BY id LIMIT 1");
                        if (victim > 0) {
                            changed += st.executeUpdate("DELETE FROM shop.order_lines WHERE order_id = " + victim);
                            changed += st.executeUpdate("DELETE FROM shop.orders WHERE id = " + victim);
                        }
                    } else {
                        changed += st.executeUpdate("UPDATE shop.customers SET email = CONCAT('moved', id, '-', "
                                + System.nanoTime() + ", '@example.net') ORDER BY RAND() LIMIT 1");
                    }
                    c.commit();
                    rowChanges.addAndGet(changed);
                } catch (SQLException e) {
                    c.rollback();
                    if (e.getErrorCode() != 1213 && e.getErrorCode() != 1205) { // deadlocks between writers: retry
                        throw e;
                    }
                }
            }
        }
    }

    private static long pick(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
