package io.paraverse.translator.mapping;

import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

import static io.paraverse.translator.mapping.MappingTranslatorTest.CTX;
import static io.paraverse.translator.mapping.MappingTranslatorTest.CUSTOMERS;
import static io.paraverse.translator.mapping.MappingTranslatorTest.ORDERS;
import static io.paraverse.translator.mapping.MappingTranslatorTest.USERS;
import static io.paraverse.translator.mapping.MappingTranslatorTest.customer;
import static io.paraverse.translator.mapping.MappingTranslatorTest.delete;
import static io.paraverse.translator.mapping.MappingTranslatorTest.insert;
import static io.paraverse.translator.mapping.MappingTranslatorTest.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ops of the sample mapping applied with plain JDBC to the real target schema give the expected rows. */
class MappingApplyTest {

    @Test
    void appliedOpsGiveTheExpectedRows() throws Exception {
        MappingTranslator shop = TestServers.translator("shop.yaml", TestServers.resource("shop.yaml"));
        TestServers.recreate(TestServers.target(), "shop2", TestServers.resource("shop-target.sql"));
        List<RowChange> changes = List.of(
                insert(CUSTOMERS, customer(1, "Zoë €", null, "active", 1_700_000_000L, "12345", 0)),
                insert(CUSTOMERS, customer(2, "Bob", "b@x", "spam", 0, null, 0)),
                update(CUSTOMERS, customer(2, "Bob", "b@x", "spam", 0, null, 0), customer(2, "Bob", "b@x", "active", 0, null, 0)),
                insert(CUSTOMERS, customer(3, "Cy", "c@x", "active", 86_400, null, 0)),
                update(CUSTOMERS, customer(3, "Cy", "c@x", "active", 86_400, null, 0), customer(30, "Cy", "c@x", "active", 86_400, null, 0)),
                insert(CUSTOMERS, customer(4, "Di", "d@x", "active", 0, null, 0)),
                update(CUSTOMERS, customer(4, "Di", "d@x", "active", 0, null, 0), customer(4, "Di", "d@x", "active", 0, null, 1)),
                insert(ORDERS, "1017", 1L, new BigDecimal("12.50"), "20240229134500", new byte[] {(byte) 0xE9, 't', (byte) 0xE9}, "4"),
                insert(ORDERS, "1018", 2L, new BigDecimal("1.00"), "19991231235959", null, null),
                delete(ORDERS, "1018", 2L, new BigDecimal("1.00"), "19991231235959", null, null),
                insert(USERS, 1L, "ann", "hi", 0.5d),
                insert(USERS, 2L, "bob", null, 3d));
        try (Connection c = TestServers.target().connect("")) {
            for (RowChange ch : changes) {
                for (TargetOp op : shop.translate(ch, CTX)) {
                    apply(c, op);
                }
            }
        }
        assertEquals(List.of(
                List.of("1", "Zoë €", "", "active", "2023-11-14 22:13:20", "basic", "12345", "0"),
                List.of("2", "Bob", "b@x", "active", "1970-01-01 00:00:00", "basic", "null", "0"),
                List.of("30", "Cy", "c@x", "active", "1970-01-02 00:00:00", "basic", "null", "0")),
                rows("SELECT client_id, name, email, status, created_at, tier, zip, deleted FROM shop2.clients ORDER BY 1"));
        assertEquals(List.of(List.of("1017", "1", "12.50", "2024-02-29 13:45:00", "été", "4")),
                rows("SELECT id, client_id, total, placed_at, note, qty FROM shop2.orders"));
        assertEquals(List.of(List.of("1", "ann"), List.of("2", "bob")), rows("SELECT id, login FROM shop2.accounts ORDER BY 1"));
        assertEquals(List.of(List.of("1", "hi", "0.5")), rows("SELECT user_id, bio, score FROM shop2.profiles"));
    }

    private static List<List<String>> rows(String sql) {
        return TestServers.rows(TestServers.target(), sql).stream()
                .map(r -> r.stream().map(String::valueOf).toList()).toList();
    }

    private static void apply(Connection c, TargetOp op) throws SQLException {
        TargetTable t = op.table();
        String table = "`" + t.schema() + "`.`" + t.table() + "`";
        if (op instanceof TargetOp.Upsert u) {
            String cols = t.columns().stream().map(x -> "`" + x + "`").collect(Collectors.joining(", "));
            String marks = t.columns().stream().map(x -> "?").collect(Collectors.joining(", "));
            String set = t.columns().stream().map(x -> "`" + x + "` = VALUES(`" + x + "`)").collect(Collectors.joining(", "));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + cols + ") VALUES (" + marks
                    + ") ON DUPLICATE KEY UPDATE " + set)) {
                bind(ps, u.values());
                ps.executeUpdate();
            }
        } else if (op instanceof TargetOp.Delete d) {
            String where = t.key().stream().map(x -> "`" + x + "` = ?").collect(Collectors.joining(" AND "));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + where)) {
                bind(ps, d.keyValues());
                ps.executeUpdate();
            }
        } else {
            throw new IllegalStateException("unexpected op " + op);
        }
    }

    private static void bind(PreparedStatement ps, List<Object> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            ps.setObject(i + 1, v instanceof BigInteger b ? new BigDecimal(b) : v);
        }
    }

    static {
        try (Connection c = TestServers.target().connect(""); Statement st = c.createStatement()) {
            st.execute("SET GLOBAL time_zone = '+00:00'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
