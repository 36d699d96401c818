package io.paraverse.applier;

import io.paraverse.translator.Column;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static io.paraverse.applier.TestTarget.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityApplyTest extends SharedTargetTest {



    static final String DB = "t_identity";
    static final TableDef ITEMS = new TableDef(DB, "items", List.of(Column.of("id", SqlType.BIGINT),
            Column.of("name", SqlType.VARCHAR), Column.of("qty", SqlType.INT)), List.of("id"));
    static final TableDef PAIRS = new TableDef(DB, "pairs", List.of(Column.of("a", SqlType.INT),
            Column.of("b", SqlType.VARCHAR), Column.of("v", SqlType.VARCHAR)), List.of("a", "b"));

    static Entries journal() {
        return new Entries()
                .insert(ITEMS, 1L, "one", 10L).insert(ITEMS, 2L, "two", 20L).insert(ITEMS, 3L, "three", 30L)
                .insert(PAIRS, 1L, "x", "p").insert(PAIRS, 1L, "y", "q").commit()
                .update(ITEMS, new Object[] {2L, "two", 20L}, new Object[] {2L, "TWO", 21L})
                .update(ITEMS, new Object[] {3L, "three", 30L}, new Object[] {30L, "thirty", 30L}) // key change
                .update(PAIRS, new Object[] {1L, "x", "p"}, new Object[] {2L, "x", "p2"}) // composite key change
                .commit()
                .delete(ITEMS, 1L, "one", 10L)
                .insert(ITEMS, 4L, "four", 40L)
                .update(ITEMS, new Object[] {4L, "four", 40L}, new Object[] {4L, "four", 41L})
                .delete(PAIRS, 1L, "y", "q")
                .insert(ITEMS, 1L, null, 0L) // re-insert a deleted key with NULL and an explicit 0
                .commit()
                .update(ITEMS, new Object[] {1L, null, 0L}, new Object[] {1L, "again", 0L})
                .delete(ITEMS, 1L, "again", 0L)
                .commit();
    }

    static final List<List<String>> EXPECTED_ITEMS = List.of(row("2", "TWO", "21"), row("4", "four", "41"),
            row("30", "thirty", "30"));
    static final List<List<String>> EXPECTED_PAIRS = List.of(row("2", "x", "p2"));

    static void createTables() {
        TestTarget.recreate(server, DB,
                "CREATE TABLE %db.items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(20), qty INT NOT NULL)",
                "CREATE TABLE %db.pairs (a INT NOT NULL, b VARCHAR(5) NOT NULL, v VARCHAR(5), PRIMARY KEY (a, b))");
    }

    static Applier applier(String pipeline, int maxTxRows, int maxStmtRows, boolean compaction) {
        return new Applier(ds, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()),
                ApplierOptions.builder(pipeline).maxTransactionRows(maxTxRows).maxStatementRows(maxStmtRows)
                        .compaction(compaction).build());
    }

    @ParameterizedTest(name = "maxTxRows={0} maxStmtRows={1} compaction={2}")
    @CsvSource({"20000,1000,true", "1,1000,true", "2,1,true", "20000,1000,false", "3,2,false"})
    void appliesInsertsUpdatesKeyChangesAndDeletesExactlyOnce(int maxTxRows, int maxStmtRows, boolean compaction) {
        createTables();
        Entries j = journal();
        String pipeline = "identity-" + maxTxRows + "-" + maxStmtRows + "-" + compaction;

        Applier a = applier(pipeline, maxTxRows, maxStmtRows, compaction);
        assertTrue(a.checkpoint().isEmpty());
        a.runUntilCaughtUp(j.reader());

        assertEquals(EXPECTED_ITEMS, TestTarget.rows(server, "SELECT id, name, qty FROM t_identity.items ORDER BY id"));
        assertEquals(EXPECTED_PAIRS, TestTarget.rows(server, "SELECT a, b, v FROM t_identity.pairs ORDER BY a, b"));
        ApplyCheckpoint cp = a.checkpoint();
        assertEquals(j.lastSeq(), cp.journalSeq());
        assertEquals("0-1-4", cp.gtid());
        assertEquals(Entries.BINLOG, cp.binlogFile());
        assertTrue(cp.appliedAt() != null);
        ApplierStats st = a.stats();
        assertEquals(15, st.rowsApplied());
        assertEquals(4, st.transactions());
        assertEquals(j.lastSeq(), st.lastAppliedSeq());
        assertFalse(st.running());
        assertTrue(st.caughtUp());
        assertEquals(0.0, st.lagSeconds());

        // the checkpoint is honoured: a new applier on the same pipeline, fed the same journal, applies nothing
        server.execute("UPDATE t_identity.items SET name = 'tampered' WHERE id = 2");
        Applier again = applier(pipeline, maxTxRows, maxStmtRows, compaction);
        again.runUntilCaughtUp(j.reader());
        assertEquals(0, again.stats().rowsApplied());
        assertEquals("tampered", TestTarget.rows(server, "SELECT name FROM t_identity.items WHERE id = 2").get(0).get(0));
        assertEquals(j.lastSeq(), again.checkpoint().journalSeq());

        // without the checkpoint (a fresh pipeline), re-applying everything converges to the same rows
        Applier fresh = applier(pipeline + "-fresh", maxTxRows, maxStmtRows, compaction);
        fresh.runUntilCaughtUp(j.reader());
        assertEquals(EXPECTED_ITEMS, TestTarget.rows(server, "SELECT id, name, qty FROM t_identity.items ORDER BY id"));
        assertEquals(EXPECTED_PAIRS, TestTarget.rows(server, "SELECT a, b, v FROM t_identity.pairs ORDER BY a, b"));
        assertEquals(15, fresh.stats().rowsApplied());
    }
}
