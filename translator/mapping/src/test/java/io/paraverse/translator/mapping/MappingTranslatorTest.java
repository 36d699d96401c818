package io.paraverse.translator.mapping;

import io.paraverse.translator.Column;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.TranslationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Translating row changes with the sample mapping (src/test/resources/shop.yaml), per feature. */
class MappingTranslatorTest {
    static final TableDef CUSTOMERS = new TableDef("shop", "customers", List.of(
            new Column("id", SqlType.INT, true, null), new Column("name", SqlType.VARCHAR, false, "latin1"),
            new Column("email", SqlType.VARCHAR, false, "utf8mb4"), new Column("status", SqlType.VARCHAR, false, "utf8mb4"),
            Column.of("created", SqlType.INT), Column.of("legacy", SqlType.BLOB),
            new Column("zip", SqlType.CHAR, false, "utf8mb4"), Column.of("deleted", SqlType.TINYINT)), List.of("id"));
    static final TableDef ORDERS = new TableDef("shop", "orders", List.of(
            new Column("order_no", SqlType.VARCHAR, false, "utf8mb4"), Column.of("customer_id", SqlType.INT),
            Column.of("total", SqlType.DECIMAL), new Column("placed", SqlType.CHAR, false, "utf8mb4"),
            Column.of("note", SqlType.VARBINARY), new Column("qty", SqlType.VARCHAR, false, "utf8mb4")), List.of("order_no"));
    static final TableDef USERS = new TableDef("shop", "users", List.of(
            Column.of("id", SqlType.BIGINT), new Column("login", SqlType.VARCHAR, false, "utf8mb4"),
            new Column("bio", SqlType.TEXT, false, "utf8mb4"), Column.of("score", SqlType.DOUBLE)), List.of("id"));
    static final SourcePosition POS = new SourcePosition("0-1-7", "0-1-7", "mariadb-bin.000001", 4242);
    static final TranslationContext CTX = TranslationContext.of(Map.of(), Map.of());

    static final TargetTable CLIENTS = new TargetTable("shop2", "clients",
            List.of("client_id", "name", "email", "status", "created_at", "tier", "zip", "deleted"), List.of("client_id"));
    static final TargetTable T_ORDERS = new TargetTable("shop2", "orders",
            List.of("id", "client_id", "total", "placed_at", "note", "qty"), List.of("id"));
    static final TargetTable ACCOUNTS = new TargetTable("shop2", "accounts", List.of("id", "login"), List.of("id"));
    static final TargetTable PROFILES = new TargetTable("shop2", "profiles", List.of("user_id", "bio", "score"), List.of("user_id"));

    static MappingTranslator shop;

    @BeforeAll
    static void validateSample() throws Exception {
        MappingFile f = MappingFile.parse(Path.of("src/test/resources/shop.yaml"));
        try (Connection s = TestServers.source().connect(""); Connection t = TestServers.target().connect("")) {
            shop = f.validate(s, t);
        }
    }

    static RowChange insert(TableDef t, Object... after) {
        return new RowChange(t, RowChange.Op.INSERT, null, after, POS, 0);
    }

    static RowChange delete(TableDef t, Object... before) {
        return new RowChange(t, RowChange.Op.DELETE, before, null, POS, 0);
    }

    static RowChange update(TableDef t, Object[] before, Object[] after) {
        return new RowChange(t, RowChange.Op.UPDATE, before, after, POS, 0);
    }

    static Object[] customer(long id, String name, String email, String status, long created, String zip, long deleted) {
        return new Object[] {id, name, email, status, created, new byte[] {1, 2}, zip, deleted};
    }

    static TargetOp.Upsert upsert(TargetTable t, Object... values) {
        return new TargetOp.Upsert(t, Arrays.asList(values));
    }

    static TargetOp.Delete del(TargetTable t, Object... key) {
        return new TargetOp.Delete(t, Arrays.asList(key));
    }

    @Test
    void nameAndTables() {
        assertEquals("mapping:shop.yaml", shop.name());
        assertEquals(Set.of("shop.customers", "shop.orders", "shop.users"), shop.sourceTables());
        assertEquals(List.of(CLIENTS), shop.targetsOf("shop.customers"));
    }

    @Test
    void insertRenamesCopiesConvertsAndAddsConstants() {
        List<TargetOp> ops = shop.translate(insert(CUSTOMERS, customer(1, "Zoë €", null, "active", 1_700_000_000L, " 12345", 0)), CTX);
        assertEquals(List.of(upsert(CLIENTS, 1L, "Zoë €", "", "active", "2023-11-14 22:13:20", "basic", 12345L, 0L)), ops);
    }

    @Test
    void deleteByMappedKey() {
        assertEquals(List.of(del(CLIENTS, 5L)),
                shop.translate(delete(CUSTOMERS, customer(5, "a", "e", "active", 0, null, 0)), CTX));
    }

    @Test
    void updateKeepingKeyUpserts() {
        Object[] before = customer(5, "a", "e", "active", 0, null, 0);
        Object[] after = customer(5, "b", "e", "active", 0, null, 0);
        assertEquals(List.of(upsert(CLIENTS, 5L, "b", "e", "active", "1970-01-01 00:00:00", "basic", null, 0L)),
                shop.translate(update(CUSTOMERS, before, after), CTX));
    }

    @Test
    void updateChangingKeyDeletesOldKeyFirst() {
        Object[] before = customer(5, "a", "e", "active", 0, null, 0);
        Object[] after = customer(6, "a", "e", "active", 0, null, 0);
        assertEquals(List.of(del(CLIENTS, 5L), upsert(CLIENTS, 6L, "a", "e", "active", "1970-01-01 00:00:00", "basic", null, 0L)),
                shop.translate(update(CUSTOMERS, before, after), CTX));
    }

    @Test
    void filterDecidesInsertsDeletesAndUpdates() {
        Object[] in = customer(7, "a", "e", "active", 0, null, 0);
        Object[] deleted = customer(7, "a", "e", "active", 0, null, 1);
        Object[] spam = customer(7, "a", "e", "spam", 0, null, 0);
        assertEquals(List.of(), shop.translate(insert(CUSTOMERS, deleted), CTX));
        assertEquals(List.of(), shop.translate(insert(CUSTOMERS, spam), CTX));
        assertEquals(List.of(), shop.translate(delete(CUSTOMERS, spam), CTX));
        // leaves the filter: delete on the target; enters it: upsert; stays out: nothing
        assertEquals(List.of(del(CLIENTS, 7L)), shop.translate(update(CUSTOMERS, in, deleted), CTX));
        assertEquals(List.of(upsert(CLIENTS, 7L, "a", "e", "active", "1970-01-01 00:00:00", "basic", null, 0L)),
                shop.translate(update(CUSTOMERS, spam, in), CTX));
        assertEquals(List.of(), shop.translate(update(CUSTOMERS, spam, deleted), CTX));
        // leaves the filter and changes the key: only the old key goes
        Object[] movedOut = customer(8, "a", "e", "test", 0, null, 0);
        assertEquals(List.of(del(CLIENTS, 7L)), shop.translate(update(CUSTOMERS, in, movedOut), CTX));
    }

    @Test
    void stringToIntAndCompactDatetimeAndCharset() {
        byte[] note = {(byte) 0xE9, 't', (byte) 0xE9, ' ', (byte) 0x80};
        List<TargetOp> ops = shop.translate(insert(ORDERS, "1017", 3L, new BigDecimal("12.50"), "20240229134500", note, "4"), CTX);
        assertEquals(List.of(upsert(T_ORDERS, 1017L, 3L, new BigDecimal("12.50"), "2024-02-29 13:45:00", "été €", 4L)), ops);
    }

    @Test
    void nonNumericValueFailsNamingTableKeyAndColumn() {
        TranslationException e = assertThrows(TranslationException.class, () -> shop.translate(
                insert(ORDERS, "A-17", 3L, BigDecimal.ONE, "20240229134500", null, null), CTX));
        assertEquals("mapping:shop.yaml: cannot convert 'A-17' of source column shop.orders.order_no (source key ['A-17'])"
                + " to shop2.orders.id: 'A-17' is not an integer (INSERT shop.orders gtid 0-1-7 at mariadb-bin.000001:4242)",
                e.getMessage());
        TranslationException bad = assertThrows(TranslationException.class, () -> shop.translate(
                insert(ORDERS, "18", 3L, BigDecimal.ONE, "2024-02-29", null, null), CTX));
        assertTrue(bad.getMessage().contains("shop2.orders.placed_at: '2024-02-29' is not a 'YYYYMMDDHHMMSS' timestamp"),
                bad.getMessage());
    }

    @Test
    void oneSourceTableIntoTwoTargets() {
        assertEquals(List.of(upsert(ACCOUNTS, 1L, "ann"), upsert(PROFILES, 1L, "hi", "0.5")),
                shop.translate(insert(USERS, 1L, "ann", "hi", 0.5d), CTX));
        // no bio: only the account (the profiles filter wants a bio)
        assertEquals(List.of(upsert(ACCOUNTS, 2L, "bob")), shop.translate(insert(USERS, 2L, "bob", null, 3.0d), CTX));
        assertEquals(List.of(del(ACCOUNTS, 1L), del(PROFILES, 1L)),
                shop.translate(delete(USERS, 1L, "ann", "hi", 0.5d), CTX));
        // the bio goes away: the profile row leaves the target
        assertEquals(List.of(upsert(ACCOUNTS, 1L, "ann"), del(PROFILES, 1L)),
                shop.translate(update(USERS, new Object[] {1L, "ann", "hi", 0.5d}, new Object[] {1L, "ann", null, 0.5d}), CTX));
    }

    @Test
    void neverModifiesItsInput() {
        byte[] note = {(byte) 0xE9};
        Object[] after = {"1", 3L, BigDecimal.ONE, "20240229134500", note, null};
        RowChange c = insert(ORDERS, after);
        shop.translate(c, CTX);
        assertArrayEquals(new byte[] {(byte) 0xE9}, (byte[]) c.after(4));
        assertEquals(insert(ORDERS, "1", 3L, BigDecimal.ONE, "20240229134500", new byte[] {(byte) 0xE9}, null), c);
    }

    @Test
    void changedSourceTableIsAClearError() {
        TableDef altered = new TableDef("shop", "users", List.of(Column.of("id", SqlType.BIGINT),
                new Column("bio", SqlType.TEXT, false, "utf8mb4"), Column.of("score", SqlType.DOUBLE)), List.of("id"));
        TranslationException e = assertThrows(TranslationException.class,
                () -> shop.translate(insert(altered, 1L, "x", 1.0d), CTX));
        assertTrue(e.getMessage().contains("source table shop.users has no column login any more"), e.getMessage());
    }

    /** Not a benchmark: prints a rough single-core rate of the sample mapping (no assertion on timing). */
    @Test
    void roughThroughput() {
        RowChange[] changes = new RowChange[1024];
        for (int i = 0; i < changes.length; i++) {
            Object[] before = customer(i, "name " + i, "e" + i, "active", 1_700_000_000L + i, "1234" + (i % 10), 0);
            Object[] after = customer(i, "name " + i, "e" + i, i % 7 == 0 ? "spam" : "active", 1_700_000_000L + i, null, 0);
            changes[i] = i % 3 == 0 ? insert(CUSTOMERS, after) : update(CUSTOMERS, before, after);
        }
        long sink = 0;
        for (int round = 0; round < 3; round++) {
            int n = 500_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += shop.translate(changes[i & 1023], CTX).size();
            }
            long ns = System.nanoTime() - t0;
            System.out.printf("mapping translate: %,d row changes in %d ms = %,.0f/s (round %d, %d ops)%n",
                    n, ns / 1_000_000, n * 1e9 / ns, round, sink);
        }
        assertTrue(sink > 0);
    }
}
