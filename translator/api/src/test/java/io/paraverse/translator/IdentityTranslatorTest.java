package io.paraverse.translator;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class IdentityTranslatorTest {
    private static final TableDef ORDERS = new TableDef("shop", "orders",
            List.of(Column.of("id", SqlType.BIGINT), Column.of("note", SqlType.VARCHAR), Column.of("blob", SqlType.BLOB)),
            List.of("id"));
    private static final SourcePosition POS = new SourcePosition("0-1-5", "0-1-5", "bin.000001", 400);
    private final IdentityTranslator identity = new IdentityTranslator();
    private final TranslationContext ctx = TranslationContext.of(Map.of(), Map.of("shop", "shop_v2"));

    @Test
    void insertBecomesUpsertOfTheFullRowInTheMappedSchema() {
        RowChange c = new RowChange(ORDERS, RowChange.Op.INSERT, null, new Object[] {1L, "hi", new byte[] {1, 2}}, POS, 0);
        List<TargetOp> ops = identity.translate(c, ctx);
        assertEquals(1, ops.size());
        TargetOp.Upsert up = (TargetOp.Upsert) ops.get(0);
        assertEquals("shop_v2.orders", up.table().qualifiedName());
        assertEquals(List.of("id", "note", "blob"), up.table().columns());
        assertEquals(1L, up.values().get(0));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) up.values().get(2));
        assertEquals(List.of(1L), up.keyValues());
    }

    @Test
    void updateThatChangesTheKeyDeletesTheOldKeyFirst() {
        RowChange c = new RowChange(ORDERS, RowChange.Op.UPDATE, new Object[] {1L, "a", null}, new Object[] {2L, "a", null}, POS, 0);
        List<TargetOp> ops = identity.translate(c, ctx);
        assertEquals(2, ops.size());
        assertEquals(List.of(1L), ((TargetOp.Delete) ops.get(0)).keyValues());
        assertEquals(List.of(2L), ops.get(1).keyValues());
    }

    @Test
    void updateKeepingTheKeyIsOneUpsertAndDeleteIsByKey() {
        RowChange u = new RowChange(ORDERS, RowChange.Op.UPDATE, new Object[] {1L, "a", null}, new Object[] {1L, "b", null}, POS, 0);
        assertEquals(1, identity.translate(u, ctx).size());
        RowChange d = new RowChange(ORDERS, RowChange.Op.DELETE, new Object[] {7L, "a", null}, null, POS, 0);
        TargetOp op = identity.translate(d, ctx).get(0);
        assertInstanceOf(TargetOp.Delete.class, op);
        assertEquals(List.of(7L), op.keyValues());
    }

    @Test
    void tableWithoutPrimaryKeyIsAClearErrorNamingTableAndPosition() {
        TableDef noPk = new TableDef("shop", "log", List.of(Column.of("msg", SqlType.TEXT)), List.of());
        RowChange c = new RowChange(noPk, RowChange.Op.INSERT, null, new Object[] {"x"}, POS, 0);
        TranslationException e = assertThrows(TranslationException.class, () -> identity.translate(c, ctx));
        assertTrue(e.getMessage().contains("shop.log"), e.getMessage());
        assertTrue(e.getMessage().contains("bin.000001:400"), e.getMessage());
    }

    @Test
    void rowChangeCannotBeModifiedThroughItsInputsOrAccessors() {
        Object[] after = {1L, "a", new byte[] {9}};
        RowChange c = new RowChange(ORDERS, RowChange.Op.INSERT, null, after, POS, 0);
        after[1] = "changed";
        ((byte[]) c.after("blob"))[0] = 0;
        assertEquals("a", c.after("note"));
        assertArrayEquals(new byte[] {9}, (byte[]) c.after(2));
        assertThrows(UnsupportedOperationException.class, () -> c.afterMap().put("note", "x"));
        assertThrows(IllegalStateException.class, () -> c.before("note"));
    }

    @Test
    void imagesMustMatchTheOpAndTheColumns() {
        assertThrows(IllegalArgumentException.class, () -> new RowChange(ORDERS, RowChange.Op.INSERT, new Object[3], new Object[3], POS, 0));
        assertThrows(IllegalArgumentException.class, () -> new RowChange(ORDERS, RowChange.Op.DELETE, new Object[2], null, POS, 0));
        assertThrows(IllegalArgumentException.class, () -> new TableDef("s", "t", List.of(Column.of("a", SqlType.INT)), List.of("b")));
    }

    @Test
    void abstractTranslatorDerivesItsNameFromTheClass() {
        class CurToPageTranslator extends AbstractTranslator {
            @Override public java.util.Set<String> sourceTables() { return java.util.Set.of("wiki.cur"); }
            @Override public List<TargetOp> translate(RowChange change, TranslationContext ctx) { return List.of(); }
        }
        assertEquals("cur-to-page", new CurToPageTranslator().name());
        assertEquals(Arrays.asList(1L, null), new TargetOp.Delete(
                new TargetTable("s", "t", List.of("a", "b"), List.of("a", "b")), Arrays.asList(1L, null)).keyValues());
    }
}
