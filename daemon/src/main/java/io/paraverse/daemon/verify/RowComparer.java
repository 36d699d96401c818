package io.paraverse.daemon.verify;

import io.paraverse.daemon.verify.VerificationReport.ColumnDiff;
import io.paraverse.daemon.verify.VerificationReport.Finding;
import io.paraverse.daemon.verify.VerificationReport.Mismatch;
import io.paraverse.translator.Column;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TargetOp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a batch of source keys: translates each production row as the INSERT capture would deliver for it into
 * the target rows it should be, reads those rows from the clone (by key, or for an identity chunk by the chunk's key
 * range, which also shows rows the clone has and production has not), compares one digest for the batch and, only
 * when it differs, row by row and column by column.
 */
final class RowComparer {
    static final String ABSENT = "absent";
    private static final SourcePosition POSITION = new SourcePosition("verify", "", "verify", 0);

    /** A source key and its production row (null: production has no row with this key now). */
    record Item(List<Object> key, Object[] row) { }

    /** An identity chunk's key range on the clone: after {@code after} (null: from the start), up to {@code upTo} (null: to the end). */
    record Range(List<Object> after, List<Object> upTo) { }

    /** The checks of a batch, and whether its digest differed. */
    record Result(List<KeyCheck> checks, boolean digestDiffered) { }

    private final TargetRows target;
    private final ReadOnlyContext ctx;

    RowComparer(TargetRows target, ReadOnlyContext ctx) {
        this.target = target;
        this.ctx = ctx;
    }

    Result compare(SourceTableRun run, List<Item> batch, Range range) throws SQLException {
        List<Item> items = new ArrayList<>(batch);
        Map<RowKey, Integer> byKey = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            byKey.put(run.source.rowKey(items.get(i).key()), i);
        }
        // 1. what production translated says, per source key
        List<List<Expected>> expected = new ArrayList<>();
        List<Finding> notApplied = new ArrayList<>();
        List<Finding> failed = new ArrayList<>();
        for (Item item : items) {
            expected.add(expect(run, item, notApplied, failed));
        }
        // 2. what the clone has
        Map<String, Map<RowKey, Object[]>> actual = new HashMap<>();
        if (range != null) {
            TableDef def = target.def(run.targetSchema, run.source.def().table());
            Map<RowKey, Object[]> rows = target.range(def, run.source.def().primaryKey(), range.after(), range.upTo());
            actual.put(def.qualifiedName(), rows);
            for (Map.Entry<RowKey, Object[]> e : rows.entrySet()) { // rows the clone has in this range and production not
                if (!byKey.containsKey(e.getKey())) {
                    Item extra = new Item(keyOf(def, run.source.def().primaryKey(), e.getValue()), null);
                    byKey.put(e.getKey(), items.size());
                    items.add(extra);
                    expected.add(expect(run, extra, notApplied, failed));
                }
            }
        } else {
            Map<String, List<Expected>> wanted = new LinkedHashMap<>();
            for (List<Expected> es : expected) {
                for (Expected e : es) {
                    wanted.computeIfAbsent(e.tableName(), k -> new ArrayList<>()).add(e);
                }
            }
            for (Map.Entry<String, List<Expected>> w : wanted.entrySet()) {
                Expected first = w.getValue().get(0);
                actual.put(w.getKey(), target.byKeys(first.table(), first.keyColumns(), w.getValue().stream().map(Expected::keyValues).toList()));
            }
        }
        // 3. one digest for the batch; row by row only if it differs
        boolean differs = !Arrays.equals(digest(expected, actual, false), digest(expected, actual, true));
        differs |= notApplied.stream().anyMatch(java.util.Objects::nonNull) || failed.stream().anyMatch(java.util.Objects::nonNull);
        List<KeyCheck> checks = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            RowKey sk = run.source.rowKey(it.key());
            String state = it.row() == null ? ABSENT : state(run.source.def(), it.row());
            List<Mismatch> mismatches = new ArrayList<>();
            List<Finding> missing = new ArrayList<>();
            List<Finding> extra = new ArrayList<>();
            if (differs) {
                Map<String, String> sourceKey = sk.named(run.source.def().primaryKey());
                for (Expected e : expected.get(i)) {
                    Object[] row = actual.getOrDefault(e.tableName(), Map.of()).get(e.key());
                    Map<String, String> targetKey = e.key().named(e.keyColumns());
                    if (e.absent()) {
                        if (row != null) {
                            extra.add(new Finding(sourceKey, e.tableName(), targetKey, it.row() == null
                                    ? "the clone has this row; production has no row with this key"
                                    : "the clone has this row; production translated has none"));
                        }
                    } else if (row == null) {
                        missing.add(new Finding(sourceKey, e.tableName(), targetKey, "production translated has this row; the clone has none"));
                    } else {
                        List<ColumnDiff> diffs = columnDiffs(e, row);
                        if (!diffs.isEmpty()) {
                            mismatches.add(new Mismatch(sourceKey, e.tableName(), targetKey, diffs));
                        }
                    }
                }
            }
            checks.add(new KeyCheck(it.key(), sk, state, expected.get(i), mismatches, missing, extra, notApplied.get(i), failed.get(i)));
        }
        return new Result(checks, differs);
    }

    /** The target rows production's row of {@code it} translates to; adds to {@code notApplied} and {@code failed} (null: neither). */
    private List<Expected> expect(SourceTableRun run, Item it, List<Finding> notApplied, List<Finding> failed) throws SQLException {
        TableDef def = run.source.def();
        Finding notAppliedHere = null;
        Finding failedHere = null;
        try {
            return expect(run, it, def);
        } catch (NotAppliedYetException e) {
            notAppliedHere = new Finding(run.source.rowKey(it.key()).named(def.primaryKey()), null, null, "not applied yet: " + e.getMessage());
            return List.of();
        } catch (TranslationFailed e) {
            failedHere = new Finding(run.source.rowKey(it.key()).named(def.primaryKey()), null, null,
                    "translator " + run.translator.name() + " failed on this row: " + e.getCause());
            return List.of();
        } finally {
            notApplied.add(notAppliedHere);
            failed.add(failedHere);
        }
    }

    /** A translator's own failure (not a failure to read the clone). */
    private static final class TranslationFailed extends RuntimeException {
        TranslationFailed(RuntimeException cause) {
            super(cause);
        }
    }

    private List<Expected> expect(SourceTableRun run, Item it, TableDef def) throws SQLException {
        if (it.row() == null) {
            if (!run.identity) {
                return List.of(); // which rows a translator would have made of a row production no longer has is unknown
            }
            TableDef t = target.def(run.targetSchema, def.table());
            return List.of(new Expected(t, def.primaryKey(), it.key(), RowKey.of(it.key(), TargetRows.columns(t, def.primaryKey())), Map.of(), true));
        }
        List<TargetOp> ops;
        try {
            ctx.beginRow();
            ops = run.translator.translate(new RowChange(def, RowChange.Op.INSERT, null, it.row(), POSITION, 0), ctx);
        } catch (NotAppliedYetException | ReadOnlyContext.CloneReadFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TranslationFailed(e);
        }
        Map<String, Expected> out = new LinkedHashMap<>();
        for (TargetOp op : ops) {
            TableDef t = target.def(op.table().schema(), op.table().table());
            List<String> keyCols = op.table().key();
            RowKey key = RowKey.of(op.keyValues(), TargetRows.columns(t, keyCols));
            String id = t.qualifiedName() + "|" + key.parts();
            Expected before = out.get(id);
            if (op instanceof TargetOp.Delete) {
                out.put(id, new Expected(t, keyCols, op.keyValues(), key, Map.of(), true));
                continue;
            }
            List<Object> values = op instanceof TargetOp.Upsert u ? u.values() : ((TargetOp.Update) op).values();
            Map<String, String> cols = new LinkedHashMap<>();
            if (before != null && !before.absent() && op instanceof TargetOp.Update) {
                cols.putAll(before.columns());
            } else if (op instanceof TargetOp.Update && (before == null || before.absent())) {
                continue; // an update of a row nothing creates changes nothing
            }
            List<String> names = op.table().columns();
            List<Column> types = TargetRows.columns(t, names);
            for (int c = 0; c < names.size(); c++) {
                cols.put(names.get(c), Canonical.of(values.get(c), types.get(c)));
            }
            out.put(id, new Expected(t, keyCols, op.keyValues(), key, cols, false));
        }
        return new ArrayList<>(out.values());
    }

    private static List<ColumnDiff> columnDiffs(Expected e, Object[] row) {
        List<ColumnDiff> diffs = new ArrayList<>();
        for (Map.Entry<String, String> c : e.columns().entrySet()) {
            int at = e.table().indexOf(c.getKey());
            String have = Canonical.of(row[at], e.table().columns().get(at));
            if (!java.util.Objects.equals(c.getValue(), have)) {
                diffs.add(new ColumnDiff(c.getKey(), Canonical.shown(c.getValue()), Canonical.shown(have)));
            }
        }
        return diffs;
    }

    /** The digest of the batch as expected, or as the clone has it projected onto the expected columns (plus range extras). */
    private static byte[] digest(List<List<Expected>> expected, Map<String, Map<RowKey, Object[]>> actual, boolean clone) {
        MessageDigest md = sha256();
        for (List<Expected> es : expected) {
            for (Expected e : es) {
                Object[] row = actual.getOrDefault(e.tableName(), Map.of()).get(e.key());
                update(md, e.tableName() + "|" + e.key().parts());
                if (!clone) {
                    update(md, e.absent() ? "-" : "+");
                    e.columns().values().forEach(v -> update(md, v));
                } else {
                    update(md, row == null ? "-" : "+");
                    if (row != null && !e.absent()) {
                        for (String col : e.columns().keySet()) {
                            int at = e.table().indexOf(col);
                            update(md, Canonical.of(row[at], e.table().columns().get(at)));
                        }
                    }
                }
            }
        }
        return md.digest();
    }

    /** A digest of a production row (all columns, canonical). */
    static String state(TableDef def, Object[] row) {
        MessageDigest md = sha256();
        for (int i = 0; i < row.length; i++) {
            update(md, Canonical.of(row[i], def.columns().get(i)));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void update(MessageDigest md, String s) {
        if (s == null) {
            md.update((byte) 0);
        } else {
            md.update((byte) 1);
            md.update(s.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0x1f);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Object> keyOf(TableDef def, List<String> keyColumns, Object[] row) {
        Object[] k = new Object[keyColumns.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = row[def.indexOf(keyColumns.get(i))];
        }
        return Arrays.asList(k);
    }
}
