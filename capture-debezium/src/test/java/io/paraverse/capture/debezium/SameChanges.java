package io.paraverse.capture.debezium;

import io.paraverse.translator.RowChange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/** Compares two captures' transactions: same GTIDs and positions, same rows in the same order, same typed values. */
final class SameChanges {
    private SameChanges() {
    }

    static void assertSame(List<RecordingSink.Txn> expected, List<RecordingSink.Txn> actual, String what) {
        List<String> diffs = new ArrayList<>();
        if (expected.size() != actual.size()) {
            diffs.add("transactions: expected " + expected.size() + " " + gtids(expected) + ", got " + actual.size()
                    + " " + gtids(actual));
        }
        for (int t = 0; t < Math.min(expected.size(), actual.size()); t++) {
            RecordingSink.Txn e = expected.get(t);
            RecordingSink.Txn a = actual.get(t);
            String at = "txn " + t + " (" + e.commit().position().gtid() + ")";
            if (!e.commit().position().gtid().equals(a.commit().position().gtid())
                    || !e.commit().position().gtidPosition().equals(a.commit().position().gtidPosition())) {
                diffs.add(at + ": commit " + e.commit().position().gtid() + "/" + e.commit().position().gtidPosition()
                        + " vs " + a.commit().position().gtid() + "/" + a.commit().position().gtidPosition());
            }
            if (e.commit().commitTimeMillis() / 1000 != a.commit().commitTimeMillis() / 1000) {
                diffs.add(at + ": commit time " + e.commit().commitTimeMillis() + " vs " + a.commit().commitTimeMillis());
            }
            if (e.rows().size() != a.rows().size()) {
                diffs.add(at + ": " + e.rows().size() + " rows vs " + a.rows().size());
                continue;
            }
            for (int r = 0; r < e.rows().size(); r++) {
                compareRow(at + " row " + r, e.rows().get(r), a.rows().get(r), diffs);
            }
        }
        if (!diffs.isEmpty()) {
            fail(what + ": " + diffs.size() + " differences:\n  " + String.join("\n  ", diffs));
        }
    }

    private static void compareRow(String at, RowChange e, RowChange a, List<String> diffs) {
        if (!e.table().equals(a.table())) {
            List<String> d = new ArrayList<>();
            for (int c = 0; c < Math.max(e.table().columns().size(), a.table().columns().size()); c++) {
                Object x = c < e.table().columns().size() ? e.table().columns().get(c) : null;
                Object y = c < a.table().columns().size() ? a.table().columns().get(c) : null;
                if (!java.util.Objects.equals(x, y)) {
                    d.add(x + " vs " + y);
                }
            }
            diffs.add(at + ": table " + e.table().qualifiedName() + " differs: " + d + " pk " + e.table().primaryKey()
                    + " vs " + a.table().primaryKey());
            return;
        }
        if (e.op() != a.op()) {
            diffs.add(at + ": op " + e.op() + " vs " + a.op());
            return;
        }
        if (!e.position().gtid().equals(a.position().gtid())
                || !e.position().gtidPosition().equals(a.position().gtidPosition())) {
            diffs.add(at + ": position " + e.position() + "/" + e.position().gtidPosition() + " vs " + a.position()
                    + "/" + a.position().gtidPosition());
        }
        for (int c = 0; c < e.table().columns().size(); c++) {
            String col = e.table().columns().get(c).name();
            if (e.hasBefore() && !same(e.before(c), a.before(c))) {
                diffs.add(at + " " + e.table().table() + "." + col + " before: " + show(e.before(c)) + " vs "
                        + show(a.before(c)));
            }
            if (e.hasAfter() && !same(e.after(c), a.after(c))) {
                diffs.add(at + " " + e.table().table() + "." + col + " after: " + show(e.after(c)) + " vs "
                        + show(a.after(c)));
            }
        }
    }

    private static boolean same(Object x, Object y) {
        return Arrays.deepEquals(new Object[]{x}, new Object[]{y});
    }

    static String show(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof byte[] b) {
            return "byte[" + java.util.HexFormat.of().formatHex(b) + "]";
        }
        String s = v.toString();
        return v.getClass().getSimpleName() + "(" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + ")";
    }

    private static List<String> gtids(List<RecordingSink.Txn> txns) {
        return txns.stream().map(t -> t.commit().position().gtid()).toList();
    }
}
