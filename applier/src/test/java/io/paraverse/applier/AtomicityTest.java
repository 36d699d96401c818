package io.paraverse.applier;

import io.paraverse.translator.Column;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.paraverse.applier.TestTarget.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rejected row stops the applier; the target keeps exactly what was committed before, checkpoint included. */
class AtomicityTest extends SharedTargetTest {
    static final String DB = "t_atomic";
    static final String STRICT = "STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";
    static final TableDef ITEMS = new TableDef(DB, "items", List.of(Column.of("id", SqlType.BIGINT),
            Column.of("name", SqlType.VARCHAR)), List.of("id"));
    static final TableDef GHOST = new TableDef(DB, "ghost", List.of(Column.of("id", SqlType.BIGINT)), List.of("id"));

    static int pipelines;



    @BeforeEach
    void tables() {
        TestTarget.recreate(server, DB, "CREATE TABLE %db.items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(5))");
    }

    Applier applier(ApplierOptions.Builder b) {
        return new Applier(ds, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()), b.build());
    }

    static ApplierOptions.Builder options() {
        return ApplierOptions.builder("atomic-" + (++pipelines)).sqlMode(STRICT);
    }

    List<List<String>> items() {
        return TestTarget.rows(server, "SELECT id, name FROM t_atomic.items ORDER BY id");
    }

    @Test
    void rejectedRowInThirdTransactionKeepsTheTwoCommittedBefore() {
        Entries j = new Entries()
                .insert(ITEMS, 1L, "a").commit()
                .insert(ITEMS, 2L, "b").update(ITEMS, new Object[] {1L, "a"}, new Object[] {1L, "a2"}).commit();
        long goodSeq = j.lastSeq();
        long badPos = j.nextRowPos() + 100; // position of the second row of the third transaction
        j.insert(ITEMS, 3L, "c").insert(ITEMS, 4L, "far too long").insert(ITEMS, 5L, "e").commit()
                .insert(ITEMS, 6L, "f").commit();
        long badSeq = goodSeq + 2;

        Applier a = applier(options().maxTransactionRows(1)); // each source transaction commits on its own
        ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));

        assertTrue(e.getMessage().contains("t_atomic.items"), e.getMessage());
        assertTrue(e.getMessage().contains("key [4]"), e.getMessage());
        assertTrue(e.getMessage().contains("journal seq " + badSeq), e.getMessage());
        assertTrue(e.getMessage().contains(Entries.BINLOG + ":" + badPos), e.getMessage());
        assertTrue(e.getMessage().contains("gtid 0-1-3"), e.getMessage());
        assertEquals(1406, e.sqlErrorCode(), e.getMessage()); // data too long
        assertEquals(badSeq, e.journalSeq());
        assertEquals(List.of(4L), e.key());
        assertFalse(e.retryable());

        assertEquals(List.of(row("1", "a2"), row("2", "b")), items());
        assertEquals(goodSeq, a.checkpoint().journalSeq());
        assertEquals(goodSeq, a.stats().lastAppliedSeq());
        assertTrue(a.stats().lastError().contains("t_atomic.items"));
        assertFalse(a.isRunning());

        // started again, it stops at the same change and never skips it
        Applier again = applier(ApplierOptions.builder(a.options().pipeline()).sqlMode(STRICT).maxTransactionRows(1));
        again.onCommit(cp -> { throw new AssertionError("nothing may commit"); });
        ApplyException e2 = assertThrows(ApplyException.class, () -> again.run(new ListJournalReader(j.list(), 0),
                () -> true));
        assertEquals(badSeq, e2.journalSeq());
    }

    @Test
    void missingTargetTableStopsJustBeforeItsSourceTransaction() {
        Entries j = new Entries()
                .insert(ITEMS, 1L, "a").commit()
                .insert(ITEMS, 2L, "b").commit();
        long goodSeq = j.lastSeq();
        long ghostSeq = j.lastSeq() + 2;
        j.insert(ITEMS, 3L, "c").insert(GHOST, 7L).commit();

        Applier a = applier(options()); // all three transactions would share one target transaction
        ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));
        assertTrue(e.getMessage().contains("t_atomic.ghost does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("journal seq " + ghostSeq), e.getMessage());
        assertTrue(e.getMessage().contains("gtid 0-1-3"), e.getMessage());
        // the whole transactions before it are committed, nothing of it
        assertEquals(List.of(row("1", "a"), row("2", "b")), items());
        assertEquals(goodSeq, a.checkpoint().journalSeq());
        assertEquals(2, a.stats().rowsApplied());

        // the operator creates the table; the same applier, run again, re-reads the target's tables and applies
        server.execute("CREATE TABLE t_atomic.ghost (id BIGINT NOT NULL PRIMARY KEY)");
        a.runUntilCaughtUp(j.reader());
        assertEquals(List.of(row("1", "a"), row("2", "b"), row("3", "c")), items());
        assertEquals(j.lastSeq(), a.checkpoint().journalSeq());
    }

    @Test
    void hugeTransactionWrittenInPiecesIsAllOrNothing() {
        Entries j = new Entries().insert(ITEMS, 1L, "a").insert(ITEMS, 2L, "b").commit();
        long goodSeq = j.lastSeq();
        for (long id = 10; id < 20; id++) {
            j.insert(ITEMS, id, id == 18 ? "much too long" : "v" + id);
        }
        j.commit();

        Applier a = applier(options().maxTransactionRows(3).maxStatementRows(2));
        ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));
        assertTrue(e.getMessage().contains("key [18]"), e.getMessage());
        assertEquals(List.of(row("1", "a"), row("2", "b")), items());
        assertEquals(goodSeq, a.checkpoint().journalSeq());
    }

    @Test
    void hugeTransactionCommitsOnlyAtItsCommitEntry() {
        Entries j = new Entries();
        for (long id = 1; id <= 25; id++) {
            j.insert(ITEMS, id, "v" + id);
        }
        j.commit();
        Applier a = applier(options().maxTransactionRows(4).maxStatementRows(3));
        a.runUntilCaughtUp(j.reader());
        assertEquals(25, items().size());
        assertEquals(1, a.stats().targetCommits());
        assertEquals(25, a.stats().rowsApplied());
        assertEquals(j.lastSeq(), a.checkpoint().journalSeq());
    }

    @Test
    void rowsWithoutTheirCommitAreNotApplied() {
        Entries j = new Entries().insert(ITEMS, 1L, "a").commit().insert(ITEMS, 2L, "b");
        long firstCommit = j.lastSeq() - 1;
        Applier a = applier(options());
        a.runUntilCaughtUp(j.reader()); // the reader ends in the middle of the second transaction
        assertEquals(List.of(row("1", "a")), items());
        assertEquals(firstCommit, a.checkpoint().journalSeq());

        j.commit(); // its commit arrives
        a.runUntilCaughtUp(new ListJournalReader(j.list(), a.checkpoint().journalSeq()));
        assertEquals(List.of(row("1", "a"), row("2", "b")), items());
        assertEquals(j.lastSeq(), a.checkpoint().journalSeq());
    }

    @Test
    void aGapInTheJournalStopsTheApplier() {
        Entries j = new Entries().insert(ITEMS, 1L, "a").commit().insert(ITEMS, 2L, "b").commit()
                .insert(ITEMS, 3L, "c").commit();
        Applier a = applier(options().maxTransactionRows(1));
        a.runUntilCaughtUp(new ListJournalReader(j.list().subList(0, 2)));
        List<io.paraverse.journal.JournalEntry> gapped = List.of(j.list().get(4), j.list().get(5));
        ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(new ListJournalReader(gapped)));
        assertTrue(e.getMessage().contains("gap in the journal"), e.getMessage());
        assertEquals(List.of(row("1", "a")), items());
    }

    @Test
    void failingTranslatorNamesTheSourceChange() {
        Entries j = new Entries().insert(ITEMS, 1L, "a").commit().insert(ITEMS, 2L, "b").commit();
        Applier a = new Applier(ds, new io.paraverse.translator.AbstractTranslator() {
            @Override public java.util.Set<String> sourceTables() { return java.util.Set.of("*.*"); }
            @Override public List<io.paraverse.translator.TargetOp> translate(io.paraverse.translator.RowChange c,
                    TranslationContext ctx) {
                if (Long.valueOf(2L).equals(c.after("id"))) {
                    throw new IllegalStateException("cannot map id 2");
                }
                return new IdentityTranslator().translate(c, ctx);
            }
        }, TranslationContext.of(Map.of(), Map.of()), options().maxTransactionRows(1).build());
        ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));
        assertTrue(e.getMessage().contains("cannot map id 2"), e.getMessage());
        assertTrue(e.getMessage().contains("table t_atomic.items, key [2], journal seq 3"), e.getMessage());
        assertEquals(List.of(row("1", "a")), items());
    }
}
