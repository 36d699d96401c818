package io.paraverse.applier;

import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.journal.JournalEntry;
import io.paraverse.translator.Column;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.paraverse.applier.TestTarget.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parallel apply (applyWorkers = 4) on a real target: converges to exactly the source's state, exactly once. */
class ParallelApplyTest extends SharedTargetTest {
    static final String DB = "t_parallel";
    static final TableDef HOT = new TableDef(DB, "hot", List.of(Column.of("id", SqlType.BIGINT),
            Column.of("v", SqlType.BIGINT)), List.of("id"));
    static final TableDef ITEMS = new TableDef(DB, "items", List.of(Column.of("id", SqlType.BIGINT),
            Column.of("name", SqlType.VARCHAR)), List.of("id"));
    /** A secondary UNIQUE key: its transactions keep journal order (rows swap codes). */
    static final TableDef CODES = new TableDef(DB, "codes", List.of(Column.of("id", SqlType.BIGINT),
            Column.of("code", SqlType.VARCHAR)), List.of("id"));

    static HikariDataSource pool;

    @BeforeAll
    static void pool() {
        pool = TargetDataSource.create(server.jdbcUrl(""), server.user(), server.password(), 6);
    }

    @AfterAll
    static void closeOwnPool() {
        pool.close();
    }

    static void createTables() {
        TestTarget.recreate(server, DB,
                "CREATE TABLE %db.hot (id BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL)",
                "CREATE TABLE %db.items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(40))",
                "CREATE TABLE %db.codes (id BIGINT NOT NULL PRIMARY KEY, code VARCHAR(10) NOT NULL, UNIQUE KEY uq_code (code))");
    }

    static Applier applier(String pipeline, int workers, int maxTxRows) {
        return new Applier(pool, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()),
                ApplierOptions.builder(pipeline).maxTransactionRows(maxTxRows).applyWorkers(workers).build());
    }

    /** The source: a model of the three tables, and the journal of the transactions that made it. */
    static final class Source {
        final Entries journal = new Entries();
        final TreeMap<Long, Long> hot = new TreeMap<>();
        final TreeMap<Long, String> items = new TreeMap<>();
        final TreeMap<Long, String> codes = new TreeMap<>();
        final Random r = new Random();

        Source() {
            codes.put(1L, "x");
            codes.put(2L, "y");
            journal.insert(CODES, 1L, "x").insert(CODES, 2L, "y").insert(HOT, 1L, 0L).commit();
            hot.put(1L, 0L);
        }

        /**
         * Items inserted, deleted, deleted and re-inserted (a fifth of them on the same three keys); with {@code hotRow}
         * every transaction also updates the one hot row and some swap codes (a table with a secondary UNIQUE key).
         */
        void transactions(int n, boolean hotRow) {
            for (int i = 0; i < n; i++) {
                if (hotRow) {
                    long v = hot.get(1L);
                    journal.update(HOT, new Object[] {1L, v}, new Object[] {1L, v + 1});
                    hot.put(1L, v + 1);
                }
                int ops = (hotRow ? 0 : 1) + r.nextInt(4);
                for (int o = 0; o < ops; o++) {
                    long key = r.nextInt(5) == 0 ? 1 + r.nextInt(3) : 10 + r.nextInt(2_000); // same few keys, or spread
                    String old = items.get(key);
                    if (old == null) {
                        String name = "n" + i + "-" + o;
                        journal.insert(ITEMS, key, name);
                        items.put(key, name);
                    } else if (r.nextBoolean()) {
                        journal.delete(ITEMS, key, old);
                        items.remove(key);
                    } else {
                        journal.delete(ITEMS, key, old); // delete and re-insert the same key in one transaction
                        journal.insert(ITEMS, key, old + "'");
                        items.put(key, old + "'");
                    }
                }
                if (hotRow && r.nextInt(10) == 0) { // swap codes through a temporary value: valid in journal order only
                    String a = codes.get(1L);
                    String b = codes.get(2L);
                    journal.update(CODES, new Object[] {1L, a}, new Object[] {1L, "tmp"});
                    journal.update(CODES, new Object[] {2L, b}, new Object[] {2L, a});
                    journal.commit();
                    journal.update(CODES, new Object[] {1L, "tmp"}, new Object[] {1L, b});
                    codes.put(1L, b);
                    codes.put(2L, a);
                }
                journal.commit();
            }
        }

        void assertTargetEquals() {
            List<List<String>> h = new ArrayList<>();
            hot.forEach((k, v) -> h.add(row(String.valueOf(k), String.valueOf(v))));
            List<List<String>> it = new ArrayList<>();
            items.forEach((k, v) -> it.add(row(String.valueOf(k), v)));
            List<List<String>> c = new ArrayList<>();
            codes.forEach((k, v) -> c.add(row(String.valueOf(k), v)));
            assertEquals(h, TestTarget.rows(server, "SELECT id, v FROM t_parallel.hot ORDER BY id"));
            assertEquals(it, TestTarget.rows(server, "SELECT id, name FROM t_parallel.items ORDER BY id"));
            assertEquals(c, TestTarget.rows(server, "SELECT id, code FROM t_parallel.codes ORDER BY id"));
        }
    }

    @Test
    void hotRowWorkloadWithFourWorkersConvergesToTheSource() {
        createTables();
        Source src = new Source();
        src.transactions(3_000, true);
        Applier a = applier("parallel-hot", 4, 40); // small batches: many of them, in flight side by side
        a.runUntilCaughtUp(src.journal.reader());
        src.assertTargetEquals();
        assertEquals(src.journal.lastSeq(), a.checkpoint().journalSeq());
        assertEquals(src.journal.lastSeq(), a.stats().lastAppliedSeq());
        assertTrue(a.stats().targetCommits() > 50, "expected many target transactions, got " + a.stats().targetCommits());
    }

    @Test
    void disjointWorkloadRunsOnSeveralWorkersAndRestartsExactlyOnce() throws Exception {
        createTables();
        Source src = new Source();
        src.transactions(1_500, false);
        List<JournalEntry> all = src.journal.list();
        // first run: a prefix of the journal (ends at a commit)
        int cut = all.size() / 2;
        while (!(all.get(cut - 1) instanceof JournalEntry.TxCommit)) {
            cut++;
        }
        Applier first = applier("parallel-restart", 4, 25);
        first.runUntilCaughtUp(new ListJournalReader(all.subList(0, cut)));
        // several workers committed (each wrote its row); checkpoint() then folds the rows into the checkpoint
        int workersUsed = Integer.parseInt(TestTarget.rows(server,
                "SELECT COUNT(*) FROM paraverse.apply_worker_checkpoint WHERE pipeline = 'parallel-restart'").get(0).get(0));
        assertTrue(workersUsed >= 2, "batches with disjoint write-sets ran on " + workersUsed + " worker(s)");
        long afterFirst = first.checkpoint().journalSeq();
        assertEquals(all.get(cut - 1).seq(), afterFirst);
        // second run, a new applier (as after a restart), 4 workers, the whole journal: earlier entries are skipped
        Applier second = applier("parallel-restart", 4, 25);
        second.runUntilCaughtUp(src.journal.reader());
        src.assertTargetEquals();
        assertEquals(src.journal.lastSeq(), second.checkpoint().journalSeq());
        // then more source transactions, applied with 1 worker: the default applier continues where they stopped
        src.transactions(200, true);
        Applier third = applier("parallel-restart", 1, 25);
        third.runUntilCaughtUp(src.journal.reader());
        src.assertTargetEquals();
        assertEquals(src.journal.lastSeq(), third.checkpoint().journalSeq());
    }

    /**
     * A worker row saying a range above the checkpoint was committed (as a kill -9 leaves it when a later batch
     * committed before an earlier one): the range is never applied again, whatever the worker count on restart.
     */
    @Test
    void rangesCommittedAboveTheCheckpointAreSkippedOnRestart() throws Exception {
        createTables();
        Entries j = new Entries()
                .insert(ITEMS, 1L, "one").commit()
                .insert(ITEMS, 2L, "two").commit()
                .insert(ITEMS, 3L, "three").commit();
        List<JournalEntry> all = j.list();
        Applier a = applier("parallel-skip", 4, 20_000);
        a.runUntilCaughtUp(new ListJournalReader(all.subList(0, 2)));
        assertEquals(2, a.checkpoint().journalSeq());
        // pretend a worker committed entries (2, 4] (tx 2) and was killed before the checkpoint moved past them;
        // the target does not hold row 2 here, so applying it again would show
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO paraverse.apply_worker_checkpoint (pipeline, worker, low_watermark, committed_ranges)"
                        + " VALUES ('parallel-skip', 3, 2, '2-4')")) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            ps.executeUpdate();
        }
        Applier restarted = applier("parallel-skip", 1, 20_000);
        restarted.runUntilCaughtUp(j.reader());
        assertEquals(List.of(row("1", "one"), row("3", "three")),
                TestTarget.rows(server, "SELECT id, name FROM t_parallel.items ORDER BY id"));
        assertEquals(6, restarted.checkpoint().journalSeq());
    }

    /**
     * A statement the target rejects inside a worker's batch stops the applier with an error naming the table; once
     * the operator fixed the target, a restart applies exactly what is missing (other workers may have committed
     * later batches before the stop).
     */
    @Test
    void aBatchTheTargetRejectsStopsTheApplierAndARestartConverges() {
        createTables();
        Entries j = new Entries();
        TreeMap<Long, String> expected = new TreeMap<>();
        for (long i = 1; i <= 400; i++) {
            String name = i == 250 ? "x".repeat(60) : "n" + i; // 60 characters: too long for VARCHAR(40)
            j.insert(ITEMS, i, name).commit();
            expected.put(i, name);
        }
        ApplyException e = org.junit.jupiter.api.Assertions.assertThrows(ApplyException.class,
                () -> applier("parallel-reject", 4, 10).runUntilCaughtUp(j.reader()));
        assertTrue(e.getMessage().contains("t_parallel.items"), e.getMessage());
        server.execute("ALTER TABLE t_parallel.items MODIFY name VARCHAR(80)");
        Applier again = applier("parallel-reject", 4, 10);
        again.runUntilCaughtUp(new ListJournalReader(j.list(), again.checkpoint().journalSeq()));
        List<List<String>> rows = new ArrayList<>();
        expected.forEach((k, v) -> rows.add(row(String.valueOf(k), v)));
        assertEquals(rows, TestTarget.rows(server, "SELECT id, name FROM t_parallel.items ORDER BY id"));
        assertEquals(j.lastSeq(), again.checkpoint().journalSeq());
    }

    /** Worker rows of an earlier attempt (the checkpoint row was deleted and created again) are not trusted. */
    @Test
    void workerRowsOfAnEarlierAttemptAreIgnored() throws Exception {
        createTables();
        Entries j = new Entries().insert(ITEMS, 1L, "one").commit().insert(ITEMS, 2L, "two").commit();
        Applier a = applier("parallel-stale", 4, 20_000);
        a.checkpoint(); // creates the tables
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            st.executeUpdate("DELETE FROM paraverse.apply_checkpoint WHERE pipeline = 'parallel-stale'");
            st.executeUpdate("INSERT INTO paraverse.apply_worker_checkpoint (pipeline, worker, low_watermark, committed_ranges)"
                    + " VALUES ('parallel-stale', 1, 2, '2-4')");
        }
        Applier fresh = applier("parallel-stale", 4, 20_000);
        fresh.runUntilCaughtUp(j.reader());
        assertEquals(List.of(row("1", "one"), row("2", "two")),
                TestTarget.rows(server, "SELECT id, name FROM t_parallel.items ORDER BY id"));
        assertEquals(4, fresh.checkpoint().journalSeq());
    }
}
