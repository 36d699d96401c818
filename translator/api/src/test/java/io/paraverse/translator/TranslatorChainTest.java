package io.paraverse.translator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class TranslatorChainTest {
    private static final SourcePosition POS = new SourcePosition("0-1-5", "0-1-5", "bin.000001", 400);
    private static final TranslationContext CTX = TranslationContext.of(Map.of(), Map.of());

    /** Claims the given patterns and returns one delete marking itself, so a test sees who translated. */
    private static final class Marker extends AbstractTranslator {
        private final String name;
        private final Set<String> claims;
        int calls;

        Marker(String name, String... claims) {
            this.name = name;
            this.claims = Set.of(claims);
        }

        @Override public String name() { return name; }
        @Override public Set<String> sourceTables() { return claims; }
        @Override public List<TargetOp> translate(RowChange c, TranslationContext ctx) {
            calls++;
            return List.of(new TargetOp.Delete(new TargetTable("by", name, List.of("k"), List.of("k")), List.of(1L)));
        }
    }

    private static RowChange insert(String schema, String table) {
        TableDef def = new TableDef(schema, table, List.of(Column.of("id", SqlType.BIGINT)), List.of("id"));
        return new RowChange(def, RowChange.Op.INSERT, null, new Object[] {1L}, POS, 0);
    }

    private static String routedTo(TranslatorChain chain, String schema, String table) {
        List<TargetOp> ops = chain.translate(insert(schema, table), CTX);
        return ops.isEmpty() ? "dropped" : ops.get(0).table().schema().equals("by") ? ops.get(0).table().table()
                : "identity:" + ops.get(0).table().qualifiedName();
    }

    private static String buildFails(TranslatorChain.Builder b) {
        return assertThrows(TranslatorConfigurationException.class, b::build).getMessage();
    }

    @Test
    void routesClaimedTablesDropsListedOnesAndCopiesTheRest() {
        TranslatorChain chain = TranslatorChain.builder()
                .translator(new Marker("cur-to-page", "wiki.cur"))
                .translator(new Marker("stats", "stats.*"))
                .drop("wiki.old_log", "tmp.*")
                .build();
        assertEquals("cur-to-page", routedTo(chain, "wiki", "cur"));
        assertEquals("stats", routedTo(chain, "stats", "hits"));
        assertEquals("stats", routedTo(chain, "stats", "views"));
        assertEquals("dropped", routedTo(chain, "wiki", "old_log"));
        assertEquals("dropped", routedTo(chain, "wiki", "old_log"));
        assertEquals("dropped", routedTo(chain, "tmp", "x"));
        assertEquals("identity:wiki.user", routedTo(chain, "wiki", "user"));
        assertEquals("identity:wikicur.cur", routedTo(chain, "wikicur", "cur"));

        assertEquals(3, chain.droppedChanges());
        assertEquals(Map.of("wiki.old_log", 2L, "tmp.x", 1L), chain.droppedChangesByTable());
        assertEquals(Set.of("wiki.old_log", "tmp.*"), chain.droppedTables());
        assertNull(chain.translatorFor("wiki", "old_log"));
        assertInstanceOf(IdentityTranslator.class, chain.translatorFor("wiki", "user"));
        assertEquals("chain", chain.name());
        assertEquals(Set.of("*.*"), chain.sourceTables());
    }

    @Test
    void everyChangeOfATableReachesItsTranslatorThroughTheCachedRoute() {
        Marker m = new Marker("m", "a.t");
        TranslatorChain chain = TranslatorChain.of(List.of(m), List.of());
        RowChange c = insert("a", "t");
        for (int i = 0; i < 1000; i++) {
            chain.translate(c, CTX);
        }
        assertEquals(1000, m.calls);
        assertEquals("m", routedTo(chain, "a", "t")); // an equal TableDef built again hits the same route
    }

    @Test
    void twoTranslatorsClaimingOneTableIsAnErrorNamingBoth() {
        String m = buildFails(TranslatorChain.builder().translator(new Marker("a", "wiki.cur")).translator(new Marker("b", "wiki.cur")));
        assertTrue(m.contains("'wiki.cur' claimed by translator 'a'") && m.contains("and by translator 'b'"), m);
    }

    @Test
    void overlappingWildcardsAreRejectedAtStartUp() {
        String m = buildFails(TranslatorChain.builder().translator(new Marker("page", "wiki.page"))
                .translator(new Marker("all-wiki", "wiki.*")));
        assertTrue(m.contains("'wiki.page' and 'wiki.*' overlap") && m.contains("'page'") && m.contains("'all-wiki'"), m);
        m = buildFails(TranslatorChain.builder().translator(new Marker("x", "wiki.*")).translator(new Marker("y", "wiki.*")));
        assertTrue(m.contains("'wiki.*' claimed by translator 'x'"), m);
        m = buildFails(TranslatorChain.builder().translator(new Marker("x", "*.*")).translator(new Marker("y", "shop.orders")));
        assertTrue(m.contains("'*.*' and 'shop.orders' overlap"), m);
        // different schemas, or a translator overlapping itself, are fine
        TranslatorChain.builder().translator(new Marker("x", "wiki.*", "wiki.page")).translator(new Marker("y", "shop.*")).build();
    }

    @Test
    void droppedTableAlsoClaimedIsAnError() {
        String m = buildFails(TranslatorChain.builder().translator(new Marker("cur", "wiki.cur")).drop("wiki.*"));
        assertTrue(m.contains("'wiki.cur' and 'wiki.*' overlap") && m.contains("translator 'cur'") && m.contains("the drop list"), m);
        TranslatorChain.builder().drop("wiki.*", "wiki.cur").build(); // dropped twice is still just dropped
    }

    @Test
    void badPatternsAndEmptyClaimsAreRejected() {
        String m = buildFails(TranslatorChain.builder().translator(new Marker("a", "cur")).translator(new Marker("b", "*.cur"))
                .translator(new Marker("c", "wiki.cur_*")).translator(new Marker("d")).drop("x.y.z"));
        assertTrue(m.contains("translator 'a': 'cur' is not schema.table"), m);
        assertTrue(m.contains("translator 'b': '*.cur'"), m);
        assertTrue(m.contains("translator 'c': 'wiki.cur_*'"), m);
        assertTrue(m.contains("translator 'd'") && m.contains("claims no source tables"), m);
        assertTrue(m.contains("drop list: 'x.y.z'"), m);
        m = buildFails(TranslatorChain.builder().translator(new Marker("a", "s.t")).translator(new Marker("a", "s.u")));
        assertTrue(m.contains("'a' is selected twice"), m);
    }

    @Test
    void tablesWithoutClaimStillNeedAPrimaryKeyForIdentity() {
        TranslatorChain chain = TranslatorChain.builder().build();
        TableDef noPk = new TableDef("s", "log", List.of(Column.of("m", SqlType.TEXT)), List.of());
        RowChange c = new RowChange(noPk, RowChange.Op.INSERT, null, new Object[] {"x"}, POS, 0);
        assertThrows(TranslationException.class, () -> chain.translate(c, CTX));
        assertEquals(List.of(), TranslatorChain.builder().drop("s.log").build().translate(c, CTX));
    }
}
