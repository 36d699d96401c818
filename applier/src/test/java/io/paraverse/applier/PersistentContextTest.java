package io.paraverse.applier;

import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.Column;
import io.paraverse.translator.IdAllocator;
import io.paraverse.translator.IdMap;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import io.paraverse.journal.JournalEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import static io.paraverse.applier.TestTarget.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The applier's persistent context: ids allocated and mapped in one run are the ids a later run (or a replay after
 * a failure) sees, and lookups see the ops of earlier changes of the same batch.
 */
class PersistentContextTest extends SharedTargetTest {
    static final String DB = "t_ctx";
    static final TableDef OLD = new TableDef(DB, "old", List.of(Column.of("old_id", SqlType.BIGINT),
            Column.of("title", SqlType.VARCHAR)), List.of("old_id"));
    static final TableDef REV = new TableDef(DB, "rev_src", List.of(Column.of("rev_id", SqlType.BIGINT),
            Column.of("old_id", SqlType.BIGINT)), List.of("rev_id"));
    static final TargetTable PAGE = new TargetTable(DB, "page", List.of("page_id", "title", "old_id"), List.of("page_id"));
    static final TargetTable REVISION = new TargetTable(DB, "revision", List.of("rev_id", "page_id", "page_title"),
            List.of("rev_id"));
    static final IdAllocator PAGE_IDS = new IdAllocator("page_id", DB + ".page", "page_id");
    static int pipelines;

    /** old(old_id, title) → page(page_id allocated, title, old_id); rev_src → revision with the page's title looked up. */
    static final class PageTranslator extends AbstractTranslator {
        final AtomicInteger rows = new AtomicInteger();
        volatile int failOnRow = -1; // throws once when the n-th row (1-based) is translated

        @Override public Set<String> sourceTables() { return Set.of(DB + ".*"); }

        @Override
        public List<TargetOp> translate(RowChange c, TranslationContext ctx) {
            IdMap pages = ctx.idMap("page");
            if (c.table().table().equals("rev_src")) {
                long oldId = (Long) c.after("old_id");
                Object pageId = pages.get("old:" + oldId).isPresent() ? (Object) pages.get("old:" + oldId).getAsLong() : null;
                Optional<List<Object>> page = pageId == null ? Optional.empty()
                        : ctx.lookup(PAGE, List.of(pageId));
                return List.of(new TargetOp.Upsert(REVISION, Arrays.asList(c.after("rev_id"), pageId,
                        page.map(p -> p.get(1)).orElse(null))));
            }
            long oldId = (Long) c.latest(0);
            if (c.op() == RowChange.Op.DELETE) {
                long id = pages.get("old:" + oldId).orElseThrow();
                pages.remove("old:" + oldId);
                return List.of(new TargetOp.Delete(PAGE, List.of(id)));
            }
            long id = pages.getOrAllocate("old:" + oldId, ctx, PAGE_IDS);
            if (rows.incrementAndGet() == failOnRow) {
                failOnRow = -1;
                throw new IllegalStateException("injected failure on row " + failOnRow);
            }
            return List.of(new TargetOp.Upsert(PAGE, Arrays.asList(id, c.after("title"), oldId)));
        }
    }

    @BeforeEach
    void tables() {
        TestTarget.recreate(server, DB,
                "CREATE TABLE %db.page (page_id BIGINT NOT NULL PRIMARY KEY, title VARCHAR(50), old_id BIGINT)",
                "CREATE TABLE %db.revision (rev_id BIGINT NOT NULL PRIMARY KEY, page_id BIGINT, page_title VARCHAR(50))",
                "INSERT INTO %db.page VALUES (100, 'made by the upgrade', NULL)");
    }

    /** Parallel apply workers (the subclass runs every case with several). */
    int workers() {
        return 1;
    }

    /** The pool the appliers use when given the shared one (a subclass may need more connections). */
    DataSource pool(DataSource d) {
        return d;
    }

    Applier applier(DataSource d, String pipeline, PageTranslator t, int maxTransactionRows) {
        return new Applier(pool(d), t, TranslationContext.of(Map.of(), Map.of()),
                ApplierOptions.builder(pipeline).maxTransactionRows(maxTransactionRows).applyWorkers(workers()).build());
    }

    static String pipeline() {
        return "ctx-" + (++pipelines) + "-" + System.nanoTime();
    }

    /** Five source transactions: inserts, an update, a delete, a re-insert of a deleted old id. */
    static Entries journal() {
        return new Entries()
                .insert(OLD, 1L, "One").insert(OLD, 2L, "Two").commit()
                .insert(OLD, 3L, "Three").update(OLD, new Object[] {1L, "One"}, new Object[] {1L, "One v2"}).commit()
                .delete(OLD, 2L, "Two").insert(OLD, 4L, "Four").commit()
                .insert(OLD, 5L, "Five").insert(OLD, 6L, "Six").commit()
                .insert(OLD, 2L, "Two again").commit();
    }

    List<List<String>> pages() {
        return TestTarget.rows(server, "SELECT page_id, title, old_id FROM t_ctx.page ORDER BY page_id");
    }

    static List<List<String>> idMap(String pipeline) {
        return TestTarget.rows(server, "SELECT map_name, CAST(source_key AS CHAR), target_id FROM paraverse.id_map"
                + " WHERE pipeline = '" + pipeline + "' ORDER BY map_name, source_key");
    }

    static List<List<String>> allocators(String pipeline) {
        return TestTarget.rows(server, "SELECT name, next_value FROM paraverse.id_allocator WHERE pipeline = '"
                + pipeline + "'");
    }

    static final List<List<String>> EXPECTED_PAGES = List.of(row("100", "made by the upgrade", null),
            row("101", "One v2", "1"), row("103", "Three", "3"), row("104", "Four", "4"), row("105", "Five", "5"),
            row("106", "Six", "6"), row("107", "Two again", "2"));
    static final List<List<String>> EXPECTED_MAP = List.of(row("page", "old:1", "101"), row("page", "old:2", "107"),
            row("page", "old:3", "103"), row("page", "old:4", "104"), row("page", "old:5", "105"),
            row("page", "old:6", "106"));

    @Test
    void idsAllocatedAndMappedSurviveBatchesAndRestarts() {
        Entries j = journal();
        String p = pipeline();
        List<JournalEntry> all = j.list();
        Applier first = applier(ds, p, new PageTranslator(), 2); // several target transactions
        first.runUntilCaughtUp(new ListJournalReader(all.subList(0, 9))); // the first three source transactions
        assertEquals(List.of(row("page", "old:1", "101"), row("page", "old:3", "103"), row("page", "old:4", "104")),
                idMap(p));
        assertEquals(List.of(row("page_id", "105")), allocators(p));

        Applier second = applier(ds, p, new PageTranslator(), 20_000); // a restart: a new applier, same target
        second.runUntilCaughtUp(new ListJournalReader(all, second.checkpoint().journalSeq()));
        assertEquals(EXPECTED_PAGES, pages());
        assertEquals(EXPECTED_MAP, idMap(p));
        assertEquals(List.of(row("page_id", "108")), allocators(p));
        assertEquals(j.lastSeq(), second.checkpoint().journalSeq());
    }

    @Test
    void aTranslatorFailureMidBatchDiscardsItsIdsSoTheReplayAllocatesTheSame() {
        Entries j = journal();
        String p = pipeline();
        PageTranslator t = new PageTranslator();
        t.failOnRow = 6; // old 6, after old 5 of the same source transaction allocated 105
        Applier a = applier(ds, p, t, 20_000); // one batch: the transactions before it commit, then it stops
        ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));
        assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
        assertTrue(e.getMessage().contains("gtid 0-1-4"), e.getMessage());
        assertEquals(List.of(row("page_id", "105")), allocators(p)); // not 107: the failed transaction's ids are gone
        assertEquals(List.of(row("page", "old:1", "101"), row("page", "old:3", "103"), row("page", "old:4", "104")),
                idMap(p));

        Applier again = applier(ds, p, t, 20_000);
        again.runUntilCaughtUp(new ListJournalReader(j.list(), again.checkpoint().journalSeq()));
        assertEquals(EXPECTED_PAGES, pages());
        assertEquals(EXPECTED_MAP, idMap(p));
        assertEquals(List.of(row("page_id", "108")), allocators(p));
    }

    @Test
    void aLostConnectionAtCommitReplaysTheBatchWithTheSameIds() {
        Entries j = journal();
        String p = pipeline();
        FaultyDataSource faulty = new FaultyDataSource(ds, "INSERT INTO `t_ctx`.`page`");
        faulty.nextCommit = FaultyDataSource.CommitFault.LOST_BEFORE_COMMIT;
        Applier a = applier(faulty, p, new PageTranslator(), 20_000);
        a.runUntilCaughtUp(j.reader());
        assertEquals(1, a.stats().retries());
        assertEquals(EXPECTED_PAGES, pages());
        assertEquals(EXPECTED_MAP, idMap(p));
        assertEquals(List.of(row("page_id", "108")), allocators(p));
    }

    @Test
    void lookupSeesOpsOfEarlierChangesInTheSameBatch() {
        Entries j = new Entries()
                .insert(OLD, 1L, "Main").insert(REV, 10L, 1L).commit()
                .update(OLD, new Object[] {1L, "Main"}, new Object[] {1L, "Main v2"}).insert(REV, 11L, 1L)
                .insert(REV, 12L, 9L).commit();
        String p = pipeline();
        Applier a = applier(ds, p, new PageTranslator(), 20_000);
        a.runUntilCaughtUp(j.reader());
        assertEquals(List.of(row("10", "101", "Main"), row("11", "101", "Main v2"), row("12", null, null)),
                TestTarget.rows(server, "SELECT rev_id, page_id, page_title FROM t_ctx.revision ORDER BY rev_id"));
        assertEquals(List.of(row("100", "made by the upgrade", null), row("101", "Main v2", "1")), pages());
        assertEquals(j.lastSeq(), a.checkpoint().journalSeq());
    }

    @Test
    void anEmptySeedTableStartsAtOne() {
        server.execute("DELETE FROM t_ctx.page");
        Entries j = new Entries().insert(OLD, 7L, "Seven").commit();
        String p = pipeline();
        applier(ds, p, new PageTranslator(), 20_000).runUntilCaughtUp(j.reader());
        assertEquals(List.of(row("1", "Seven", "7")), pages());
        assertEquals(List.of(row("page_id", "2")), allocators(p));
    }
}
