package io.paraverse.translator.testkit;

import io.paraverse.applier.ApplyException;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.translator.TranslatorChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static io.paraverse.translator.testkit.Changes.row;
import static io.paraverse.translator.testkit.TableAssert.assertQueriesEqual;
import static io.paraverse.translator.testkit.TableAssert.assertTablesEqual;
import static org.junit.jupiter.api.Assertions.*;

/** The real-target half of the kit, against a private MariaDB server. */
class TargetApplierTest {
    static MariaDbServer server;
    static final Changes CUSTOMERS = SplitCustomerTranslatorTest.CUSTOMERS;
    static final Changes ORDERS = Changes.table("shop.orders").columns("id BIGINT", "customer_id BIGINT", "total DECIMAL").key("id");
    static final Changes AUDIT = Changes.table("shop.audit").columns("id BIGINT", "what VARCHAR").key("id");

    @BeforeAll
    static void start() {
        server = MariaDbServer.start(MariaDbOptions.target("testkit-test").option("innodb-flush-log-at-trx-commit", "2"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void schemas() {
        server.execute("DROP DATABASE IF EXISTS shop2", "CREATE DATABASE shop2",
                "CREATE TABLE shop2.customer (id BIGINT PRIMARY KEY, name VARCHAR(50))",
                "CREATE TABLE shop2.address (address_id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, street VARCHAR(50), city VARCHAR(50))",
                "CREATE TABLE shop2.city_count (city VARCHAR(50) PRIMARY KEY, customers BIGINT NOT NULL)",
                "CREATE TABLE shop2.orders (id BIGINT PRIMARY KEY, customer_id BIGINT, total DECIMAL(10,2))",
                // what the clone copied before the changes: customer 99 in Rome
                "INSERT INTO shop2.customer VALUES (99, 'Zed')", "INSERT INTO shop2.address VALUES (500, 99, 'Old Rd', 'Rome')",
                "INSERT INTO shop2.city_count VALUES ('Rome', 1)",
                "DROP DATABASE IF EXISTS expected", "CREATE DATABASE expected",
                "CREATE TABLE expected.customer (id BIGINT PRIMARY KEY, name VARCHAR(50), street VARCHAR(50), city VARCHAR(50), address_id BIGINT)",
                "CREATE TABLE expected.city_count (city VARCHAR(50) PRIMARY KEY, customers BIGINT NOT NULL)",
                "CREATE TABLE expected.orders (id BIGINT PRIMARY KEY, customer_id BIGINT, total DECIMAL(12,4))");
    }

    static Connection connect() throws SQLException {
        return server.connect("");
    }

    @Test
    void changesGoThroughTheRealApplierAndTheTablesMatchTheExpectedOnes() throws SQLException {
        TranslatorChain chain = TranslatorChain.builder().translator(new SplitCustomerTranslator()).drop("shop.audit").build();
        // lookups read the target (the clone's Rome count too); allocated address ids start above the clone's 500
        InMemoryContext ctx = new InMemoryContext().schema("shop", "shop2");
        try (TargetApplier target = TargetApplier.open(server.jdbcUrl(""), server.user(), server.password(), chain, ctx)) {
            target.apply(CUSTOMERS.insert(1, "Ann", "Main St 1", "Oslo"), CUSTOMERS.insert(2, "Bob", "Side St 2", "Oslo"),
                    ORDERS.insert(1, 1, "9.50"), AUDIT.insert(1, "created"));
            target.apply(CUSTOMERS.update(row(1, "Ann", "Main St 1", "Oslo"), row(1, "Anne", "Main St 1", "Oslo")),
                    CUSTOMERS.update(row(2, "Bob", "Side St 2", "Oslo"), row(2, "Bob", "Via 3", "Rome")),
                    ORDERS.update(row(1, 1, "9.50"), row(1, 1, "12.00")), AUDIT.insert(2, "changed"));
            var stats = target.apply(CUSTOMERS.insert(3, "Cy", "Corso 4", "Rome"), CUSTOMERS.delete(2, "Bob", "Via 3", "Rome"),
                    ORDERS.insert(2, 3, "1"));
            assertEquals(11, stats.rowsApplied());
            assertEquals(3, stats.transactions());
        }
        assertEquals(2, chain.droppedChanges());

        server.execute("INSERT INTO expected.customer VALUES (1, 'Anne', 'Main St 1', 'Oslo', 501), (3, 'Cy', 'Corso 4', 'Rome', 503),"
                        + " (99, 'Zed', 'Old Rd', 'Rome', 500)",
                "INSERT INTO expected.city_count VALUES ('Oslo', 1), ('Rome', 2)",
                "INSERT INTO expected.orders VALUES (1, 1, 12), (2, 3, 1)");
        try (Connection c = connect()) {
            assertQueriesEqual(c, "SELECT c.id, c.name, a.street, a.city, a.address_id FROM shop2.customer c"
                    + " JOIN shop2.address a ON a.customer_id = c.id ORDER BY c.id",
                    c, "SELECT id, name, street, city, address_id FROM expected.customer ORDER BY id");
            assertTablesEqual(c, "shop2.city_count", c, "expected.city_count", "city");
            assertTablesEqual(c, "shop2.orders", c, "expected.orders", "id"); // DECIMAL(10,2) 12.00 = DECIMAL(12,4) 12.0000
        }
    }

    @Test
    void tableAssertReportsTheRowsThatDiffer() throws SQLException {
        server.execute("CREATE TABLE expected.a (id INT PRIMARY KEY, name VARCHAR(9), data VARBINARY(4))",
                "CREATE TABLE expected.b LIKE expected.a",
                "INSERT INTO expected.a VALUES (1, 'one', x'01'), (2, 'two', NULL), (3, 'three', NULL)",
                "INSERT INTO expected.b VALUES (1, 'one', x'02'), (2, 'two', NULL), (4, 'four', NULL)");
        try (Connection c = connect()) {
            AssertionFailedError e = assertThrows(AssertionFailedError.class,
                    () -> assertTablesEqual(c, "expected.a", c, "expected.b", "id"));
            assertEquals("""
                    tables differ: expected.a (3 rows) vs expected.b (3 rows), ordered by id
                      id=1: data 0x01 vs 0x02
                      only in expected.a: (id=3, name='three', data=NULL)
                      only in expected.b: (id=4, name='four', data=NULL)""", e.getMessage());
            server.execute("CREATE TABLE expected.c (id INT PRIMARY KEY, label VARCHAR(9), data VARBINARY(4))");
            String m = assertThrows(AssertionFailedError.class, () -> assertTablesEqual(c, "expected.a", c, "expected.c", "id"))
                    .getMessage();
            assertEquals("columns differ: expected.a has [id, name, data], expected.c has [id, label, data]", m);
            assertTablesEqual(c, "expected.a", c, "expected.a", "id DESC");
        }
    }

    @Test
    void aFailedTransactionIsRolledBackAndTheNextOneStillApplies() throws SQLException {
        Changes missing = Changes.table("shop.missing").columns("id BIGINT").key("id"); // identity, but no such table on the target
        TranslatorChain chain = TranslatorChain.builder().translator(new SplitCustomerTranslator()).build();
        try (TargetApplier target = TargetApplier.open(server.jdbcUrl(""), server.user(), server.password(), chain,
                new InMemoryContext().schema("shop", "shop2"))) {
            ApplyException e = assertThrows(ApplyException.class,
                    () -> target.apply(CUSTOMERS.insert(5, "Eve", "X", "Paris"), missing.insert(1)));
            assertTrue(e.getMessage().contains("shop2.missing"), e.getMessage());
            target.apply(CUSTOMERS.insert(6, "Fay", "Y", "Lima"));
        }
        try (Connection c = connect()) {
            assertEquals(List.of(List.of("6", "Fay"), List.of("99", "Zed")),
                    TableAssert.rows(c, "SELECT id, name FROM shop2.customer ORDER BY id"));
        }
    }
}
