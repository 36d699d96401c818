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
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static io.paraverse.applier.TestTarget.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random insert/update/delete sequences on a small key space, applied through the applier with random batching,
 * must leave the target equal to a simple model of the source: for a table whose only unique index is its primary
 * key (compacted) and for one with a secondary UNIQUE key whose values move between rows (kept in source order).
 */
class CompactionPropertyTest extends SharedTargetTest {
    static final String DB = "t_compact";
    static final TableDef PK_ONLY = new TableDef(DB, "pk_only", List.of(Column.of("id", SqlType.INT),
            Column.of("v", SqlType.INT), Column.of("s", SqlType.VARCHAR)), List.of("id"));
    static final TableDef UNIQ = new TableDef(DB, "uniq", List.of(Column.of("id", SqlType.INT),
            Column.of("email", SqlType.VARCHAR), Column.of("v", SqlType.INT)), List.of("id"));
    static final int KEYS = 8;
    static final int EMAILS = 10;




    static void recreate() {
        TestTarget.recreate(server, DB,
                "CREATE TABLE %db.pk_only (id INT NOT NULL PRIMARY KEY, v INT NOT NULL, s VARCHAR(20))",
                "CREATE TABLE %db.uniq (id INT NOT NULL PRIMARY KEY, email VARCHAR(20) NOT NULL, v INT NOT NULL,"
                        + " UNIQUE KEY email (email))");
    }

    /** The source: rows by id; the generator only makes changes the source's constraints allow. */
    static final class Model {
        final TreeMap<Long, Object[]> rows = new TreeMap<>();
    }

    @Test
    void pkOnlyTableConvergesToTheModel() {
        for (int seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(seed);
            recreate();
            Model m = new Model();
            Entries j = new Entries();
            int txs = 20 + rnd.nextInt(40);
            for (int t = 0; t < txs; t++) {
                int ops = 1 + rnd.nextInt(5);
                for (int o = 0; o < ops; o++) {
                    pkOnlyChange(rnd, m, j);
                }
                j.commit();
            }
            applyAndCompare(seed, rnd, j);
            assertEquals(expected(m), TestTarget.rows(server, "SELECT id, v, s FROM t_compact.pk_only ORDER BY id"),
                    "seed " + seed);
        }
    }

    @Test
    void tableWithSecondaryUniqueKeyConvergesToTheModel() {
        for (int seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(1000 + seed);
            recreate();
            Model m = new Model();
            Entries j = new Entries();
            int txs = 20 + rnd.nextInt(40);
            int swaps = 0;
            for (int t = 0; t < txs; t++) {
                int ops = 1 + rnd.nextInt(4);
                for (int o = 0; o < ops; o++) {
                    swaps += uniqChange(rnd, m, j, rnd.nextInt(3) == 0) ? 1 : 0;
                }
                j.commit(); // the steps of a swap often end up in different source transactions
            }
            applyAndCompare(seed, rnd, j);
            assertEquals(expected(m), TestTarget.rows(server, "SELECT id, email, v FROM t_compact.uniq ORDER BY id"),
                    "seed " + seed + " (" + swaps + " swaps)");
        }
    }

    private void applyAndCompare(int seed, Random rnd, Entries j) {
        int[] txRows = {1, 2, 3, 5, 8, 20_000};
        int[] stmtRows = {1, 2, 3, 1000};
        ApplierOptions o = ApplierOptions.builder("compact-" + seed + "-" + rnd.nextInt(1_000_000))
                .maxTransactionRows(txRows[rnd.nextInt(txRows.length)])
                .maxStatementRows(stmtRows[rnd.nextInt(stmtRows.length)])
                .compaction(rnd.nextInt(4) != 0).build(); // sometimes every table in source order
        Applier a = new Applier(ds, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()), o);
        a.runUntilCaughtUp(j.reader());
        assertEquals(j.lastSeq(), a.checkpoint().journalSeq(), o.toString());
    }

    private static List<List<String>> expected(Model m) {
        List<List<String>> out = new ArrayList<>();
        for (Object[] r : m.rows.values()) {
            out.add(row(String.valueOf(r[0]), String.valueOf(r[1]), r[2] == null ? null : String.valueOf(r[2])));
        }
        return out;
    }

    private static void pkOnlyChange(Random rnd, Model m, Entries j) {
        long id = 1 + rnd.nextInt(KEYS);
        Object[] cur = m.rows.get(id);
        if (cur == null) {
            Object[] r = {id, (long) rnd.nextInt(100), rnd.nextBoolean() ? null : "s" + rnd.nextInt(100)};
            m.rows.put(id, r);
            j.insert(PK_ONLY, r);
            return;
        }
        if (rnd.nextInt(6) == 0) { // sysbench-style: delete the row and insert the same id again
            Object[] r = {id, (long) rnd.nextInt(100), "r" + rnd.nextInt(100)};
            j.delete(PK_ONLY, cur).insert(PK_ONLY, r);
            m.rows.put(id, r);
            return;
        }
        switch (rnd.nextInt(3)) {
            case 0 -> {
                m.rows.remove(id);
                j.delete(PK_ONLY, cur);
            }
            case 1 -> {
                Object[] r = {id, (long) rnd.nextInt(100), rnd.nextBoolean() ? null : "u" + rnd.nextInt(100)};
                m.rows.put(id, r);
                j.update(PK_ONLY, cur, r);
            }
            default -> { // primary-key change to a free key
                long to = 1 + rnd.nextInt(KEYS);
                if (m.rows.containsKey(to)) {
                    return;
                }
                Object[] r = {to, cur[1], cur[2]};
                m.rows.remove(id);
                m.rows.put(to, r);
                j.update(PK_ONLY, cur, r);
            }
        }
    }

    private static String freeEmail(Random rnd, Model m) {
        Set<Object> used = new java.util.HashSet<>();
        m.rows.values().forEach(r -> used.add(r[1]));
        List<String> free = new ArrayList<>();
        for (int i = 0; i < EMAILS; i++) {
            if (!used.contains("e" + i)) {
                free.add("e" + i);
            }
        }
        return free.isEmpty() ? null : free.get(rnd.nextInt(free.size()));
    }

    /** One change, or (swap) the three updates that exchange the emails of two rows through a free value. */
    private static boolean uniqChange(Random rnd, Model m, Entries j, boolean trySwap) {
        if (trySwap && m.rows.size() >= 2) {
            List<Long> ids = new ArrayList<>(m.rows.keySet());
            long a = ids.get(rnd.nextInt(ids.size()));
            long b = ids.get(rnd.nextInt(ids.size()));
            String tmp = freeEmail(rnd, m);
            if (a != b && tmp != null) {
                Object[] ra = m.rows.get(a);
                Object[] rb = m.rows.get(b);
                String x = (String) ra[1];
                String y = (String) rb[1];
                setEmail(m, j, a, tmp);
                if (rnd.nextBoolean()) {
                    j.commit();
                }
                setEmail(m, j, b, x);
                if (rnd.nextBoolean()) {
                    j.commit();
                }
                setEmail(m, j, a, y);
                return true;
            }
        }
        long id = 1 + rnd.nextInt(KEYS);
        Object[] cur = m.rows.get(id);
        if (cur != null && rnd.nextInt(5) == 0) { // delete and insert the same id, maybe with another email
            String e = rnd.nextBoolean() ? (String) cur[1] : freeEmail(rnd, m);
            if (e != null) {
                Object[] r = {id, e, (long) rnd.nextInt(100)};
                j.delete(UNIQ, cur).insert(UNIQ, r);
                m.rows.put(id, r);
            }
            return false;
        }
        if (cur == null) {
            String e = freeEmail(rnd, m);
            if (e != null) {
                Object[] r = {id, e, (long) rnd.nextInt(100)};
                m.rows.put(id, r);
                j.insert(UNIQ, r);
            }
            return false;
        }
        switch (rnd.nextInt(3)) {
            case 0 -> {
                m.rows.remove(id);
                j.delete(UNIQ, cur);
            }
            case 1 -> {
                String e = rnd.nextBoolean() ? (String) cur[1] : freeEmail(rnd, m);
                if (e != null) {
                    Object[] r = {id, e, (long) rnd.nextInt(100)};
                    m.rows.put(id, r);
                    j.update(UNIQ, cur, r);
                }
            }
            default -> { // primary-key change, email kept
                long to = 1 + rnd.nextInt(KEYS);
                if (!m.rows.containsKey(to)) {
                    Object[] r = {to, cur[1], cur[2]};
                    m.rows.remove(id);
                    m.rows.put(to, r);
                    j.update(UNIQ, cur, r);
                }
            }
        }
        return false;
    }

    private static void setEmail(Model m, Entries j, long id, String email) {
        Object[] cur = m.rows.get(id);
        Object[] r = {id, email, cur[2]};
        m.rows.put(id, r);
        j.update(UNIQ, cur, r);
    }

    // ------------------------------------------------------------------ partial-column upserts

    /** Writes only (id, a) of a table that also has b DEFAULT 7. */
    static final class PartialTranslator extends AbstractTranslator {
        static final TargetTable T = new TargetTable(DB, "partial", List.of("id", "a"), List.of("id"));

        @Override public Set<String> sourceTables() { return Set.of(DB + ".partial"); }

        @Override
        public List<TargetOp> translate(RowChange c, TranslationContext ctx) {
            if (c.op() == RowChange.Op.DELETE) {
                return List.of(new TargetOp.Delete(T, List.of(c.before("id"))));
            }
            return List.of(new TargetOp.Upsert(T, java.util.Arrays.asList(c.after("id"), c.after("a"))));
        }
    }

    @Test
    void deleteThenReinsertWithPartialColumnsResetsTheOtherColumns() {
        TableDef src = new TableDef(DB, "partial", List.of(Column.of("id", SqlType.INT), Column.of("a", SqlType.INT)),
                List.of("id"));
        recreate();
        server.execute("CREATE TABLE t_compact.partial (id INT NOT NULL PRIMARY KEY, a INT, b INT NOT NULL DEFAULT 7)",
                "INSERT INTO t_compact.partial VALUES (1, 1, 99), (2, 2, 99)");
        Entries j = new Entries()
                .delete(src, 1L, 1L).insert(src, 1L, 10L) // deleted and inserted again: b back to its default
                .update(src, new Object[] {2L, 2L}, new Object[] {2L, 20L}) // updated in place: b kept
                .commit();
        Applier a = new Applier(ds, new PartialTranslator(), TranslationContext.of(Map.of(), Map.of()),
                ApplierOptions.defaults("partial"));
        a.runUntilCaughtUp(j.reader());
        assertEquals(List.of(row("1", "10", "7"), row("2", "20", "99")),
                TestTarget.rows(server, "SELECT id, a, b FROM t_compact.partial ORDER BY id"));
    }

    @Test
    void keysEqualOnlyUnderTheTargetCollationAreDeletedBeforeUpserting() {
        TableDef src = new TableDef(DB, "ci", List.of(Column.of("k", SqlType.VARCHAR), Column.of("v", SqlType.INT)),
                List.of("k"));
        recreate();
        server.execute("CREATE TABLE t_compact.ci (k VARCHAR(10) COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY, v INT)",
                "INSERT INTO t_compact.ci VALUES ('a', 1), ('b', 2)");
        Entries j = new Entries()
                .delete(src, "a", 1L).insert(src, "A", 10L) // another row whose key differs only in case
                .update(src, new Object[] {"b", 2L}, new Object[] {"B", 20L}) // key change in case only
                .commit();
        Applier a = new Applier(ds, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()),
                ApplierOptions.defaults("ci"));
        a.runUntilCaughtUp(j.reader());
        assertEquals(List.of(row("A", "10"), row("B", "20")),
                TestTarget.rows(server, "SELECT k, v FROM t_compact.ci ORDER BY BINARY k"));
    }
}
