package io.paraverse.applier;

import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.Column;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static io.paraverse.applier.TestTarget.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link TargetOp.Update}: sets columns of an existing row, never creates one, and composes with upserts and
 * deletes of the same key in one batch (compacted or in source order) exactly as in source order.
 */
class UpdateOpTest extends SharedTargetTest {
    static final String DB = "t_update";
    /** A source table of commands: each insert is one target op. */
    static final TableDef CMD = new TableDef(DB, "cmd", List.of(Column.of("n", SqlType.BIGINT),
            Column.of("op", SqlType.VARCHAR), Column.of("k", SqlType.BIGINT), Column.of("a", SqlType.BIGINT),
            Column.of("b", SqlType.VARCHAR)), List.of("n"));
    static final TargetTable FULL = new TargetTable(DB, "t", List.of("id", "a", "b"), List.of("id"));
    static final TargetTable ONLY_A = new TargetTable(DB, "t", List.of("id", "a"), List.of("id"));
    static int pipelines;

    static final class CommandTranslator extends AbstractTranslator {
        @Override public Set<String> sourceTables() { return Set.of(DB + ".cmd"); }

        @Override
        public List<TargetOp> translate(RowChange c, TranslationContext ctx) {
            Object k = c.after("k");
            return List.of(switch ((String) c.after("op")) {
                case "upsert" -> new TargetOp.Upsert(FULL, Arrays.asList(k, c.after("a"), c.after("b")));
                case "update" -> new TargetOp.Update(ONLY_A, Arrays.asList(k, c.after("a")));
                case "updfull" -> new TargetOp.Update(FULL, Arrays.asList(k, c.after("a"), c.after("b")));
                default -> new TargetOp.Delete(FULL, List.of(k));
            });
        }
    }

    long n;

    @BeforeEach
    void tables() {
        TestTarget.recreate(server, DB, "CREATE TABLE %db.t (id BIGINT NOT NULL PRIMARY KEY, a BIGINT NOT NULL,"
                + " b VARCHAR(20) NOT NULL DEFAULT 'dflt')");
    }

    Entries cmd(Entries j, String op, long k, long a, String b) {
        return j.insert(CMD, ++n, op, k, a, b);
    }

    List<List<String>> rows() {
        return TestTarget.rows(server, "SELECT id, a, b FROM t_update.t ORDER BY id");
    }

    Applier applier(boolean compaction, int maxTransactionRows) {
        return new Applier(ds, new CommandTranslator(), TranslationContext.of(Map.of(), Map.of()),
                ApplierOptions.builder("update-" + (++pipelines)).compaction(compaction)
                        .maxTransactionRows(maxTransactionRows).build());
    }

    @Test
    void updatesComposeWithUpsertsAndDeletesInOneBatch() {
        server.execute("INSERT INTO t_update.t VALUES (1, 1, 'one'), (2, 2, 'two'), (3, 3, 'three')");
        for (boolean compaction : new boolean[] {true, false}) {
            tables();
            server.execute("INSERT INTO t_update.t VALUES (1, 1, 'one'), (2, 2, 'two'), (3, 3, 'three')");
            Entries j = new Entries();
            cmd(j, "update", 1, 10, null);          // existing row: a changes, b stays
            cmd(j, "upsert", 4, 4, "four");
            cmd(j, "update", 4, 40, null);          // upsert then update: the merged row
            cmd(j, "update", 2, 20, null);
            cmd(j, "delete", 2, 0, null);           // update then delete: gone
            cmd(j, "update", 5, 50, null);          // no row: nothing created
            cmd(j, "delete", 3, 0, null);
            cmd(j, "update", 3, 30, null);          // delete then update: stays gone
            j.commit();
            cmd(j, "updfull", 1, 11, "uno").commit(); // same shape as the upserts
            applier(compaction, 20_000).runUntilCaughtUp(j.reader());
            assertEquals(List.of(row("1", "11", "uno"), row("4", "40", "four")), rows(), "compaction " + compaction);
        }
    }

    /** Random ops on a small key space, random batching, compaction on and off: the target equals the model. */
    @Test
    void randomSequencesConvergeToTheModel() {
        for (int seed = 1; seed <= 30; seed++) {
            Random rnd = new Random(seed);
            tables();
            TreeMap<Long, Object[]> model = new TreeMap<>();
            Entries j = new Entries();
            int txs = 10 + rnd.nextInt(30);
            for (int t = 0; t < txs; t++) {
                for (int o = 1 + rnd.nextInt(6); o > 0; o--) {
                    long k = rnd.nextInt(6);
                    long a = rnd.nextInt(1000);
                    String b = "b" + rnd.nextInt(1000);
                    switch (rnd.nextInt(4)) {
                        case 0 -> {
                            cmd(j, "upsert", k, a, b);
                            model.put(k, new Object[] {a, b});
                        }
                        case 1 -> {
                            cmd(j, "update", k, a, null);
                            model.computeIfPresent(k, (x, v) -> new Object[] {a, v[1]});
                        }
                        case 2 -> {
                            cmd(j, "updfull", k, a, b);
                            model.computeIfPresent(k, (x, v) -> new Object[] {a, b});
                        }
                        default -> {
                            cmd(j, "delete", k, 0, null);
                            model.remove(k);
                        }
                    }
                }
                j.commit();
            }
            boolean compaction = rnd.nextBoolean();
            applier(compaction, 1 + rnd.nextInt(25)).runUntilCaughtUp(j.reader());
            List<List<String>> expected = new ArrayList<>();
            model.forEach((k, v) -> expected.add(row(String.valueOf(k), String.valueOf(v[0]), (String) v[1])));
            assertEquals(expected, rows(), "seed " + seed + " compaction " + compaction);
        }
    }
}
