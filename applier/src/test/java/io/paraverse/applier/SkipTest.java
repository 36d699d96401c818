package io.paraverse.applier;

import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.Column;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.paraverse.applier.TestTarget.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A source transaction that cannot be applied stops the applier just before it (the whole transactions before it
 * committed, nothing of it); an operator's skip request for its GTID, and only that, lets the applier pass it,
 * audited in the same target transaction as the checkpoint.
 */
class SkipTest extends SharedTargetTest {
    static final String DB = "t_skip";
    static final TableDef ITEMS = new TableDef(DB, "items", List.of(Column.of("id", SqlType.BIGINT),
            Column.of("name", SqlType.VARCHAR)), List.of("id"));
    static final TargetTable ITEMS_T = new TargetTable(DB, "items", List.of("id", "name"), List.of("id"));
    static int pipelines;

    /** Identity, except that it fails on id 3 (or, with nullKey, returns a NULL key for it). */
    static final class PickyTranslator extends AbstractTranslator {
        final boolean nullKey;
        Runnable beforeFailing = () -> { };

        PickyTranslator(boolean nullKey) {
            this.nullKey = nullKey;
        }

        @Override public Set<String> sourceTables() { return Set.of("*.*"); }

        @Override
        public List<TargetOp> translate(RowChange c, TranslationContext ctx) {
            if (Long.valueOf(3L).equals(c.latest(0))) {
                if (nullKey) {
                    return List.of(new TargetOp.Upsert(ITEMS_T, Arrays.asList(null, c.after("name"))));
                }
                beforeFailing.run();
                throw new IllegalArgumentException("no rule for item 3");
            }
            return new IdentityTranslator().translate(c, ctx);
        }
    }

    @BeforeEach
    void tables() {
        TestTarget.recreate(server, DB, "CREATE TABLE %db.items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(20))");
    }

    static String pipeline() {
        return "skip-" + (++pipelines) + "-" + System.nanoTime();
    }

    /** Parallel apply workers (the subclass runs every case with several). */
    int workers() {
        return 1;
    }

    javax.sql.DataSource pool() {
        return ds;
    }

    Applier applier(String pipeline, PickyTranslator t) {
        return new Applier(pool(), t, TranslationContext.of(Map.of(), Map.of()),
                ApplierOptions.builder(pipeline).applyWorkers(workers()).build());
    }

    /** tx 0-1-1, 0-1-2 fine; 0-1-3 holds the bad row (two rows); 0-1-4 fine. */
    static Entries journal() {
        return new Entries()
                .insert(ITEMS, 1L, "a").commit()
                .insert(ITEMS, 2L, "b").update(ITEMS, new Object[] {1L, "a"}, new Object[] {1L, "a2"}).commit()
                .insert(ITEMS, 3L, "c").insert(ITEMS, 4L, "d").commit()
                .insert(ITEMS, 5L, "e").commit();
    }

    List<List<String>> items() {
        return TestTarget.rows(server, "SELECT id, name FROM t_skip.items ORDER BY id");
    }

    static List<List<String>> audits(String pipeline) {
        return TestTarget.rows(server, "SELECT gtid, binlog_file, binlog_pos, source_tables, rows_skipped, reason,"
                + " requested_by FROM paraverse.skip_audit WHERE pipeline = '" + pipeline + "'");
    }

    static String request(String pipeline, String gtid) {
        try (Connection c = server.connect("")) {
            return SkipRequests.submit(c, "paraverse", pipeline, gtid, "item 3 has no mapping (ticket 7)", "tester");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFailingTransactionStopsTheApplierUntilAnOperatorSkipsIt() {
        Entries j = journal();
        long goodSeq = 5; // commit of 0-1-2
        long badRowPos = 256 + 100 + 31 + 100 + 100 + 31 + 100; // the first row of 0-1-3
        String p = pipeline();
        PickyTranslator t = new PickyTranslator(false);
        Applier a = applier(p, t); // all four transactions would share one target transaction
        ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));
        String m = e.getMessage();
        assertTrue(m.contains("gtid 0-1-3"), m);
        assertTrue(m.contains(Entries.BINLOG + ":" + badRowPos), m);
        assertTrue(m.contains("table t_skip.items"), m);
        assertTrue(m.contains("key [3]"), m);
        assertTrue(m.contains("translator 'picky'"), m);
        assertTrue(m.contains("no rule for item 3"), m);
        assertTrue(m.contains("paraverse skip " + p + " --gtid 0-1-3"), m);
        assertTrue(m.contains("paraverse skip --name " + p + " --gtid 0-1-3 --target"), m);
        assertEquals(List.of(row("1", "a2"), row("2", "b")), items());
        assertEquals(goodSeq, a.checkpoint().journalSeq());
        assertEquals("0-1-2", a.checkpoint().gtid());

        // nothing is skipped without a request: started again, it stops at the same place
        Applier again = applier(p, t);
        assertThrows(ApplyException.class, () -> again.runUntilCaughtUp(new ListJournalReader(j.list(), goodSeq)));
        assertEquals(List.of(row("1", "a2"), row("2", "b")), items());
        assertEquals(List.of(), audits(p));

        // a request for another transaction changes nothing
        request(p, "0-1-9");
        assertThrows(ApplyException.class, () -> applier(p, t).runUntilCaughtUp(new ListJournalReader(j.list(), goodSeq)));

        String said = request(p, "0-1-3");
        assertTrue(said.contains("will apply none of the rows of source transaction 0-1-3"), said);
        Applier skipping = applier(p, t);
        skipping.runUntilCaughtUp(new ListJournalReader(j.list(), skipping.checkpoint().journalSeq()));
        assertEquals(List.of(row("1", "a2"), row("2", "b"), row("5", "e")), items());
        assertEquals(j.lastSeq(), skipping.checkpoint().journalSeq());
        assertEquals(List.of(row("0-1-3", Entries.BINLOG, String.valueOf(badRowPos + 100 + 31), "t_skip.items", "2",
                "item 3 has no mapping (ticket 7)", "tester")), audits(p));
        assertEquals(1, skipping.stats().rowsApplied(), "the row of 0-1-4; none of 0-1-3");
    }

    @Test
    void aRequestMadeWhileTheApplierRunsIsHonouredWhenItHitsTheFailure() {
        Entries j = journal();
        String p = pipeline();
        PickyTranslator t = new PickyTranslator(false);
        t.beforeFailing = () -> request(p, "0-1-3"); // the operator was quicker than the applier
        Applier a = applier(p, t);
        a.runUntilCaughtUp(j.reader());
        assertEquals(List.of(row("1", "a2"), row("2", "b"), row("5", "e")), items());
        assertEquals(j.lastSeq(), a.checkpoint().journalSeq());
        List<List<String>> audit = audits(p);
        assertEquals(1, audit.size());
        assertEquals("2", audit.get(0).get(4));
    }

    @Test
    void aNullKeyStopsBeforeItsTransaction() {
        Entries j = journal();
        String p = pipeline();
        Applier a = applier(p, new PickyTranslator(true));
        ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));
        String m = e.getMessage();
        assertTrue(m.contains("NULL in key column id"), m);
        assertTrue(m.contains("translator 'picky'"), m);
        assertTrue(m.contains("table t_skip.items, key [3]"), m);
        assertTrue(m.contains("gtid 0-1-3"), m);
        assertFalse(e.retryable());
        assertEquals(List.of(row("1", "a2"), row("2", "b")), items());
        assertEquals(5, a.checkpoint().journalSeq());
    }

    @Test
    void alreadyAppliedIsRecognised() {
        assertTrue(SkipRequests.alreadyApplied("0-1-10,1-2-5", "0-1-3"));
        assertFalse(SkipRequests.alreadyApplied("0-1-10,1-2-5", "1-2-6"));
        assertFalse(SkipRequests.alreadyApplied(null, "0-1-3"));
        assertThrows(IllegalArgumentException.class, () -> request(pipeline(), "bogus"));
    }
}
