package io.paraverse.translator.testkit;

import io.paraverse.translator.Column;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SqlType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

import static io.paraverse.translator.testkit.Changes.row;
import static org.junit.jupiter.api.Assertions.*;

class ChangesTest {
    final Changes items = Changes.table("shop.items")
            .columns("id BIGINT UNSIGNED", "qty INT", "price DECIMAL", "data BLOB", "added DATETIME").key("id");

    @Test
    void buildsTheTableAndTypesValuesAsCaptureDoes() {
        assertEquals("shop.items", items.def().qualifiedName());
        assertEquals(List.of("id"), items.def().primaryKey());
        assertEquals(new Column("id", SqlType.BIGINT, true, null), items.def().columns().get(0));
        RowChange c = items.insert(1, 2, "9.50", "ab", "2024-02-29 13:45:00");
        assertEquals(RowChange.Op.INSERT, c.op());
        assertEquals(BigInteger.ONE, c.after("id"));
        assertEquals(2L, c.after("qty"));
        assertEquals(new BigDecimal("9.50"), c.after("price"));
        assertArrayEquals(new byte[] {'a', 'b'}, (byte[]) c.after("data"));
        assertEquals("utf8mb4", Changes.table("a.b").columns("s VARCHAR").def().columns().get(0).charset());
    }

    @Test
    void updatesAndDeletesCarryTheirImagesAndEachChangeItsOwnPosition() {
        RowChange u = items.update(row(1, 2, null, null, null), row(1, 3, null, null, null));
        RowChange d = items.delete(1, 3, null, null, null);
        assertEquals(2L, u.before("qty"));
        assertEquals(3L, u.after("qty"));
        assertFalse(d.hasAfter());
        assertNotEquals(u.position(), d.position());
        assertEquals(Changes.DEFAULT_COMMIT_TIME, d.commitTimeMillis());
        assertEquals(5L, Changes.table("a.b").columns("n INT").commitTime(5).insert(1).commitTimeMillis());
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> items.insert("x", 2, null, null, null))
                .getMessage().contains("column id (BIGINT UNSIGNED) of shop.items cannot hold String x"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> items.insert(1, 2))
                .getMessage().contains("has 2 values for the columns [id, qty, price, data, added]"));
        assertThrows(IllegalArgumentException.class, () -> Changes.table("a.b").columns("n NUMBER"));
        assertThrows(IllegalArgumentException.class, () -> Changes.table("nodot"));
        assertThrows(IllegalStateException.class, () -> items.key("qty"));
    }
}
