package io.paraverse.examples.mediawiki;

import io.paraverse.translator.Column;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.TranslationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each 1.4 operation through the translator onto an in-memory target holding what the 1.5 upgrade made of a small
 * wiki at the clone point: page 1 "Alpha" with old rows 1-5, page 2 "Ωmega_東京" with old rows 6-9; the upgrade gave
 * their current versions revision ids 10 and 11. Production keeps counting old_ids from 10.
 */
class MediaWiki15TranslatorTest {
    static final TableDef CUR = new TableDef("wiki", "cur", List.of(
            new Column("cur_id", SqlType.INT, true, null), Column.of("cur_namespace", SqlType.TINYINT),
            new Column("cur_title", SqlType.VARCHAR, false, "utf8mb4"), new Column("cur_text", SqlType.TEXT, false, "utf8mb4"),
            Column.of("cur_comment", SqlType.BLOB), new Column("cur_user", SqlType.INT, true, null),
            new Column("cur_user_text", SqlType.VARCHAR, false, "utf8mb4"), new Column("cur_timestamp", SqlType.CHAR, false, "ascii"),
            Column.of("cur_restrictions", SqlType.BLOB), Column.of("cur_counter", SqlType.BIGINT),
            Column.of("cur_is_redirect", SqlType.TINYINT), Column.of("cur_minor_edit", SqlType.TINYINT),
            Column.of("cur_is_new", SqlType.TINYINT), Column.of("cur_random", SqlType.DOUBLE),
            new Column("cur_touched", SqlType.CHAR, false, "ascii"), new Column("inverse_timestamp", SqlType.CHAR, false, "ascii")),
            List.of("cur_id"));
    static final TableDef OLD = new TableDef("wiki", "old", List.of(
            new Column("old_id", SqlType.INT, true, null), Column.of("old_namespace", SqlType.TINYINT),
            new Column("old_title", SqlType.VARCHAR, false, "utf8mb4"), new Column("old_text", SqlType.TEXT, false, "utf8mb4"),
            Column.of("old_comment", SqlType.BLOB), new Column("old_user", SqlType.INT, true, null),
            new Column("old_user_text", SqlType.VARCHAR, false, "utf8mb4"), new Column("old_timestamp", SqlType.CHAR, false, "ascii"),
            Column.of("old_minor_edit", SqlType.TINYINT), Column.of("old_flags", SqlType.BLOB),
            new Column("inverse_timestamp", SqlType.CHAR, false, "ascii")),
            List.of("old_id"));

    private static final AtomicLong SEQ = new AtomicLong();
    private final MediaWiki15Translator translator = new MediaWiki15Translator("wiki");
    private MemoryTarget target;
    private final Map<Long, Object[]> cur = new LinkedHashMap<>();

    @BeforeEach
    void clonePointAfterUpgrade() {
        target = new MemoryTarget();
        cur.put(1L, curRow(1, 0, "Alpha", "alpha text v6 – ünïcødé", "20050301000006"));
        cur.put(2L, curRow(2, 0, "Ωmega_東京", "omega v5 🦄", "20050301000011"));
        for (long o = 1; o <= 9; o++) {
            long page = o <= 5 ? 1 : 2;
            revision(o, page, "text of old " + o, "2005030100000" + (o - 1));
        }
        revision(10, 1, (String) cur.get(1L)[3], "20050301000006");
        revision(11, 2, (String) cur.get(2L)[3], "20050301000011");
        page(cur.get(1L), 10);
        page(cur.get(2L), 11);
    }

    @Test
    void createIsPageRevisionAndTextWithAFreshId() {
        Object[] row = curRow(3, 0, "Βeta_new", "new page", "20050302000000");
        List<TargetOp> ops = apply(insert(CUR, row));
        assertEquals(3, ops.size());
        long rev = 12; // above the upgrade's max(rev_id) = 11
        assertEquals(3L, target.row("wiki.page", 3).get("page_id"));
        assertEquals(rev, target.row("wiki.page", 3).get("page_latest"));
        assertEquals(8L, target.row("wiki.page", 3).get("page_len"));
        assertEquals("Βeta_new", target.row("wiki.page", 3).get("page_title"));
        assertEquals(3L, target.row("wiki.revision", rev).get("rev_page"));
        assertEquals(rev, target.row("wiki.revision", rev).get("rev_text_id"));
        assertEquals("20050302000000", target.row("wiki.revision", rev).get("rev_timestamp"));
        assertEquals("new page", target.row("wiki.text", rev).get("old_text"));
        assertArrayEquals(new byte[0], (byte[]) target.row("wiki.text", rev).get("old_flags"));
        assertEquals(Map.of("3", rev), target.idMapContents(MediaWiki15Translator.LATEST_MAP));
    }

    @Test
    void editMapsTheCollidingOldIdToTheLatestRevisionAndAddsANewOne() {
        // production's next old_id is 10: the id the upgrade gave page 1's current version on the clone
        Object[] before = cur.get(2L);
        Object[] oldRow = oldFromCur(10, before);
        Object[] after = edited(before, "omega v6 🦄🦄", "20050302000100");
        assertEquals(List.of(), apply(insert(OLD, oldRow)), "the previous version is on the clone already");
        List<TargetOp> ops = apply(update(CUR, before, after));
        assertEquals(3, ops.size());
        assertEquals(Map.of("10", 11L), target.idMapContents(MediaWiki15Translator.OLD_MAP));
        assertEquals(Map.of(), target.idMapContents(MediaWiki15Translator.PENDING_MAP));
        // page 1's revision 10 is untouched
        assertEquals(1L, target.row("wiki.revision", 10).get("rev_page"));
        assertEquals("alpha text v6 – ünïcødé", target.row("wiki.text", 10).get("old_text"));
        // page 2: previous latest 11 stays, new latest 12
        Map<String, Object> page = target.row("wiki.page", 2);
        assertEquals(12L, page.get("page_latest"));
        assertEquals((long) "omega v6 🦄🦄".getBytes(StandardCharsets.UTF_8).length, page.get("page_len"));
        assertEquals("20050302000100", page.get("page_touched"));
        assertEquals(0L, page.get("page_is_new"));
        assertEquals("omega v6 🦄🦄", target.row("wiki.text", 12).get("old_text"));
        assertEquals(2L, target.row("wiki.revision", 12).get("rev_page"));
        assertEquals("omega v5 🦄", target.row("wiki.text", 11).get("old_text"));

        // a second edit of the same page: old_id 11 now holds version 6 = revision 12
        Object[] after2 = edited(after, "omega v7", "20050302000200");
        apply(insert(OLD, oldFromCur(11, after)));
        apply(update(CUR, after, after2));
        assertEquals(Map.of("10", 11L, "11", 12L), target.idMapContents(MediaWiki15Translator.OLD_MAP));
        assertEquals(13L, target.row("wiki.page", 2).get("page_latest"));
        assertEquals(Map.of("2", 13L), target.idMapContents(MediaWiki15Translator.LATEST_MAP));
    }

    @Test
    void editOfAPageCreatedAfterTheClonePointUsesTheLatestMap() {
        Object[] row = curRow(3, 0, "Fresh", "fresh v1", "20050302000000");
        apply(insert(CUR, row));
        Object[] after = edited(row, "fresh v2", "20050302000001");
        apply(insert(OLD, oldFromCur(10, row)));
        apply(update(CUR, row, after));
        assertEquals(Map.of("10", 12L), target.idMapContents(MediaWiki15Translator.OLD_MAP));
        assertEquals(13L, target.row("wiki.page", 3).get("page_latest"));
        assertEquals("fresh v1", target.row("wiki.text", 12).get("old_text"));
        assertEquals("fresh v2", target.row("wiki.text", 13).get("old_text"));
    }

    @Test
    void renameChangesThePageOnlyAndMovingTheHistoryWritesNothing() {
        Object[] before = cur.get(1L);
        Object[] after = before.clone();
        after[2] = "Alpha_renamed_日本語";
        after[14] = "20050303000000";
        List<TargetOp> ops = apply(update(CUR, before, after));
        assertEquals(1, ops.size());
        Map<String, Object> page = target.row("wiki.page", 1);
        assertEquals("Alpha_renamed_日本語", page.get("page_title"));
        assertEquals(10L, page.get("page_latest"), "the latest revision stays (looked up on the target)");
        assertEquals("20050303000000", page.get("page_touched"));
        assertEquals(11, target.table("wiki.revision").size(), "no revision for a move");
        for (long o = 1; o <= 5; o++) {
            Object[] ob = oldRow(o, 0, "Alpha", "text of old " + o, "2005030100000" + (o - 1));
            Object[] oa = ob.clone();
            oa[2] = "Alpha_renamed_日本語";
            assertEquals(List.of(), apply(update(OLD, ob, oa)));
        }
        // the redirect left at the old title is a new page
        Object[] redirect = curRow(3, 0, "Alpha", "#REDIRECT [[Alpha renamed 日本語]]", "20050303000000");
        redirect[10] = 1L;
        apply(insert(CUR, redirect));
        assertEquals(1L, target.row("wiki.page", 3).get("page_is_redirect"));
        assertEquals(12L, target.row("wiki.page", 3).get("page_latest"));
    }

    @Test
    void deleteRemovesThePageItsRevisionsAndTexts() {
        // an edit after the clone point first, so the page has a mapped old_id too
        Object[] before = cur.get(1L);
        Object[] after = edited(before, "alpha v7", "20050304000000");
        apply(insert(OLD, oldFromCur(10, before)));
        apply(update(CUR, before, after));
        // delete: old rows 1-5 (pre-clone: rev_id = old_id) and 10 (post-clone: mapped to 10 as well, by chance of
        // this fixture the same number), then cur
        for (long o = 1; o <= 5; o++) {
            apply(delete(OLD, oldRow(o, 0, "Alpha", "text of old " + o, "2005030100000" + (o - 1))));
        }
        apply(delete(OLD, oldFromCur(10, before)));
        List<TargetOp> ops = apply(delete(CUR, after));
        assertEquals(3, ops.size());
        assertNull(target.row("wiki.page", 1));
        for (long r = 1; r <= 12; r++) {
            Map<String, Object> rev = target.row("wiki.revision", r);
            assertTrue(rev == null || rev.get("rev_page").equals(2L), "revision " + r + " of page 1 left: " + rev);
        }
        assertEquals(5, target.table("wiki.revision").size(), "page 2's 4 old + its latest + nothing else");
        assertEquals(5, target.table("wiki.text").size());
        assertEquals(Map.of(), target.idMapContents(MediaWiki15Translator.OLD_MAP));
        assertEquals(Map.of(), target.idMapContents(MediaWiki15Translator.LATEST_MAP));
    }

    @Test
    void deleteOfAPageWithAPostCloneOldIdCollidingWithAnotherPagesRevision() {
        // page 2 edited: old_id 10 → revision 11; deleting old 10 must delete revision 11, not page 1's revision 10
        Object[] before = cur.get(2L);
        Object[] after = edited(before, "omega v6", "20050304000000");
        apply(insert(OLD, oldFromCur(10, before)));
        apply(update(CUR, before, after));
        apply(delete(OLD, oldFromCur(10, before)));
        assertNull(target.row("wiki.revision", 11));
        assertNotNull(target.row("wiki.revision", 10), "page 1's latest revision");
        assertEquals("alpha text v6 – ünïcødé", target.row("wiki.text", 10).get("old_text"));
    }

    @Test
    void contentChangeOfAnOldRowUpdatesItsRevisionAndText() {
        Object[] ob = oldRow(3, 0, "Alpha", "text of old 3", "20050301000002");
        Object[] oa = ob.clone();
        oa[3] = "text of old 3, fixed";
        oa[4] = "oversight".getBytes(StandardCharsets.UTF_8);
        List<TargetOp> ops = apply(update(OLD, ob, oa));
        assertEquals(2, ops.size());
        assertTrue(ops.stream().allMatch(o -> o instanceof TargetOp.Update));
        assertEquals("text of old 3, fixed", target.row("wiki.text", 3).get("old_text"));
        assertArrayEquals("oversight".getBytes(StandardCharsets.UTF_8), (byte[]) target.row("wiki.revision", 3).get("rev_comment"));
        assertEquals(1L, target.row("wiki.revision", 3).get("rev_page"));
    }

    @Test
    void counterOrTouchUpdateKeepsTheLatestRevision() {
        Object[] before = cur.get(2L);
        Object[] after = before.clone();
        after[9] = 42L; // cur_counter
        List<TargetOp> ops = apply(update(CUR, before, after));
        assertEquals(1, ops.size());
        assertEquals(42L, target.row("wiki.page", 2).get("page_counter"));
        assertEquals(11L, target.row("wiki.page", 2).get("page_latest"));
    }

    @Test
    void replayingTheSameChangesOnTheSameStateGivesTheSameOps() {
        List<RowChange> changes = new ArrayList<>();
        Object[] before = cur.get(2L);
        Object[] after = edited(before, "omega v6", "20050304000000");
        changes.add(insert(OLD, oldFromCur(10, before)));
        changes.add(update(CUR, before, after));
        changes.add(insert(CUR, curRow(3, 0, "New", "new", "20050304000001")));
        changes.add(delete(CUR, after));
        List<List<TargetOp>> first = new ArrayList<>();
        for (RowChange c : changes) {
            first.add(apply(c));
        }
        clonePointAfterUpgrade();
        for (int i = 0; i < changes.size(); i++) {
            assertEquals(render(first.get(i)), render(apply(changes.get(i))), "change " + i);
        }
    }

    @Test
    void changeToAPageMissingOnTheTargetNamesTheProblem() {
        Object[] row = curRow(77, 0, "Ghost", "x", "20050301000000");
        TranslationException e = assertThrows(TranslationException.class,
                () -> translator.translate(update(CUR, row, edited(row, "y", "20050301000001")), target));
        assertTrue(e.getMessage().contains("page 77 is not on the target"), e.getMessage());
    }

    @Test
    void withoutAPersistentContextItSaysWhatIsMissing() {
        TranslationContext plain = TranslationContext.of(Map.of(), Map.of());
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> translator.translate(insert(CUR, curRow(3, 0, "X", "x", "20050301000000")), plain));
        assertTrue(String.valueOf(e.getMessage()).contains("persistent context"), e.getMessage());
    }

    @Test
    void discoveredByServiceLoaderUnderItsName() {
        MediaWiki15Translator t = ServiceLoader.load(io.paraverse.translator.Translator.class).stream()
                .map(ServiceLoader.Provider::get).filter(x -> x instanceof MediaWiki15Translator)
                .map(x -> (MediaWiki15Translator) x).findFirst().orElseThrow();
        assertEquals("mediawiki-1.5", t.name());
        assertEquals(Set.of("wiki.cur", "wiki.old"), t.sourceTables());
        assertEquals(Set.of("w14.cur", "w14.old"), new MediaWiki15Translator("w14").sourceTables());
    }

    @Test
    void targetSchemaFollowsTheContextsSchemaMap() {
        MemoryTarget ctx = new MemoryTarget() {
            @Override public String targetSchema(String s) { return "wiki15"; }
        };
        List<TargetOp> ops = translator.translate(insert(CUR, curRow(3, 0, "X", "x", "20050301000000")), ctx);
        assertTrue(ops.stream().allMatch(o -> o.table().schema().equals("wiki15")), ops.toString());
    }

    // ------------------------------------------------------------------ fixtures

    private static String render(List<TargetOp> ops) {
        StringBuilder b = new StringBuilder();
        for (TargetOp op : ops) {
            b.append(op.getClass().getSimpleName()).append(' ').append(op.table().qualifiedName()).append(op.table().columns());
            List<Object> values = op instanceof TargetOp.Upsert u ? u.values()
                    : op instanceof TargetOp.Update u ? u.values() : op.keyValues();
            for (Object v : values) {
                b.append(' ').append(v instanceof byte[] bytes ? java.util.Arrays.toString(bytes) : String.valueOf(v));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private List<TargetOp> apply(RowChange c) {
        List<TargetOp> ops = translator.translate(c, target);
        target.apply(ops);
        return ops;
    }

    private void revision(long id, long page, String text, String ts) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rev_id", id);
        r.put("rev_page", page);
        r.put("rev_text_id", id);
        r.put("rev_comment", ("c" + id).getBytes(StandardCharsets.UTF_8));
        r.put("rev_timestamp", ts);
        target.put("wiki.revision", "rev_id", r);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("old_id", id);
        t.put("old_text", text);
        t.put("old_flags", new byte[0]);
        target.put("wiki.text", "old_id", t);
    }

    private void page(Object[] c, long latest) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("page_id", c[0]);
        p.put("page_namespace", c[1]);
        p.put("page_title", c[2]);
        p.put("page_latest", latest);
        target.put("wiki.page", "page_id", p);
    }

    static Object[] curRow(long id, long ns, String title, String text, String ts) {
        return new Object[] {id, ns, title, text, ("comment " + ts).getBytes(StandardCharsets.UTF_8), 7L, "Zoë", ts,
            new byte[0], 0L, 0L, 0L, 1L, 0.25 + id / 1000.0, ts, MediaWiki14Workload.invert(ts)};
    }

    static Object[] edited(Object[] before, String text, String ts) {
        Object[] a = before.clone();
        a[3] = text;
        a[4] = ("edit " + ts).getBytes(StandardCharsets.UTF_8);
        a[7] = ts;
        a[12] = 0L;
        a[14] = ts;
        a[15] = MediaWiki14Workload.invert(ts);
        return a;
    }

    static Object[] oldRow(long id, long ns, String title, String text, String ts) {
        return new Object[] {id, ns, title, text, ("c" + id).getBytes(StandardCharsets.UTF_8), 7L, "Zoë", ts, 0L,
            new byte[0], MediaWiki14Workload.invert(ts)};
    }

    static Object[] oldFromCur(long oldId, Object[] c) {
        return new Object[] {oldId, c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[11], new byte[0], c[15]};
    }

    static RowChange insert(TableDef t, Object[] row) {
        return new RowChange(t, RowChange.Op.INSERT, null, row, pos(), 0);
    }

    static RowChange update(TableDef t, Object[] before, Object[] after) {
        return new RowChange(t, RowChange.Op.UPDATE, before, after, pos(), 0);
    }

    static RowChange delete(TableDef t, Object[] row) {
        return new RowChange(t, RowChange.Op.DELETE, row, null, pos(), 0);
    }

    private static SourcePosition pos() {
        long s = SEQ.incrementAndGet();
        return new SourcePosition("0-1-" + s, "0-1-" + s, "bin.000001", s * 100);
    }
}
