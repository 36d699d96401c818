package io.paraverse.daemon.verify;

import io.paraverse.daemon.verify.VerificationReport.ColumnDiff;
import io.paraverse.daemon.verify.VerificationReport.Finding;
import io.paraverse.daemon.verify.VerificationReport.Mismatch;
import io.paraverse.daemon.verify.VerificationReport.TableReport;

import java.util.List;
import java.util.Map;

/** The human rendering of a {@link VerificationReport}: a summary, then table by table what differs, key by key. */
public final class ReportText {
    private ReportText() { }

    public static String render(VerificationReport r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("verification %s: %s in %.1f s, %,d production rows read (limit %,d rows/s)%n", r.mode(),
                r.clean() ? "CLEAN" : r.hasDifferences() ? "DIFFERENCES FOUND" : "NOT PROVEN (unsettled keys)",
                r.durationSeconds(), r.sourceRowsRead(), r.rowsPerSecondLimit()));
        b.append(String.format("%-32s %-16s %10s %10s %8s %8s %8s %8s %8s %8s%n", "table", "translator", "rows", "target", "mismatch",
                "missing", "extra", "pending", "failed", "unsettl"));
        for (TableReport t : r.tables()) {
            if (t.skipped() != null) {
                b.append(String.format("%-32s %-16s skipped: %s%n", t.table(), t.translator(), t.skipped()));
                continue;
            }
            b.append(String.format("%-32s %-16s %,10d %,10d %,8d %,8d %,8d %,8d %,8d %,8d%n", t.table(), t.translator(), t.rowsCompared(),
                    t.targetRowsCompared(), t.mismatchCount(), t.missingCount(), t.extraCount(), t.notAppliedCount(),
                    t.failedCount(), t.unsettledCount()));
        }
        for (TableReport t : r.tables()) {
            if (t.clean()) {
                continue;
            }
            b.append(System.lineSeparator()).append(t.table()).append(" (").append(t.translator()).append("):").append(System.lineSeparator());
            for (Mismatch m : t.mismatches()) {
                b.append("  MISMATCH  ").append(key(m.sourceKey())).append(" -> ").append(m.targetTable()).append(' ')
                        .append(key(m.targetKey())).append(System.lineSeparator());
                for (ColumnDiff d : m.columns()) {
                    b.append("      ").append(d.column()).append(": production translated ").append(d.expected())
                            .append(", clone ").append(d.actual()).append(System.lineSeparator());
                }
            }
            findings(b, "MISSING  ", t.missing());
            findings(b, "EXTRA    ", t.extra());
            findings(b, "PENDING  ", t.notApplied());
            findings(b, "FAILED   ", t.failed());
            findings(b, "UNSETTLED", t.unsettled());
            long listed = t.mismatches().size() + t.missing().size() + t.extra().size() + t.notApplied().size() + t.failed().size()
                    + t.unsettled().size();
            long total = t.mismatchCount() + t.missingCount() + t.extraCount() + t.notAppliedCount() + t.failedCount() + t.unsettledCount();
            if (listed < total) {
                b.append("  ... ").append(total - listed).append(" more not listed").append(System.lineSeparator());
            }
        }
        return b.toString();
    }

    private static void findings(StringBuilder b, String label, List<Finding> fs) {
        for (Finding f : fs) {
            b.append("  ").append(label).append(' ');
            if (f.sourceKey() != null) {
                b.append(key(f.sourceKey()));
            }
            if (f.targetTable() != null) {
                b.append(f.sourceKey() != null ? " -> " : "").append(f.targetTable()).append(' ').append(key(f.targetKey()));
            }
            b.append(": ").append(f.detail()).append(System.lineSeparator());
        }
    }

    private static String key(Map<String, String> k) {
        if (k == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("(");
        k.forEach((c, v) -> b.append(b.length() > 1 ? ", " : "").append(c).append('=').append(v));
        return b.append(')').toString();
    }
}
