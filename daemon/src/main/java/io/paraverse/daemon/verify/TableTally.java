package io.paraverse.daemon.verify;

import io.paraverse.daemon.verify.VerificationReport.Finding;
import io.paraverse.daemon.verify.VerificationReport.Mismatch;
import io.paraverse.daemon.verify.VerificationReport.TableReport;

import java.util.ArrayList;
import java.util.List;

/** Counts and the first findings of one source table while it is verified; {@link #report()} freezes them. */
final class TableTally {
    private final String table;
    private final String translator;
    private final int keep;
    private String skipped;
    long rowsCompared;
    long targetRowsCompared;
    long chunks;
    long chunksDiffering;
    long rechecked;
    private long mismatchCount;
    private long missingCount;
    private long extraCount;
    private long notAppliedCount;
    private long failedCount;
    private long unsettledCount;
    private final List<Mismatch> mismatches = new ArrayList<>();
    private final List<Finding> missing = new ArrayList<>();
    private final List<Finding> extra = new ArrayList<>();
    private final List<Finding> notApplied = new ArrayList<>();
    private final List<Finding> failed = new ArrayList<>();
    private final List<Finding> unsettled = new ArrayList<>();

    TableTally(String table, String translator, int keep) {
        this.table = table;
        this.translator = translator;
        this.keep = keep;
    }

    void skipped(String why) {
        this.skipped = why;
    }

    /** A key whose comparison is final: clean, or a persistent difference. */
    void settled(KeyCheck c) {
        if (c.sourcePresent()) {
            rowsCompared++;
        }
        targetRowsCompared += c.expected().stream().filter(e -> !e.absent()).count();
        mismatchCount += add(mismatches, c.mismatches());
        missingCount += add(missing, c.missing());
        extraCount += add(extra, c.extra());
        if (c.notApplied() != null) {
            notAppliedCount += add(notApplied, List.of(c.notApplied()));
        }
        if (c.failed() != null) {
            failedCount += add(failed, List.of(c.failed()));
        }
    }

    /** A key that kept differing while production or the applier moved: not proven either way. */
    void unsettled(KeyCheck c, String why) {
        if (c.sourcePresent()) {
            rowsCompared++;
        }
        unsettledCount += add(unsettled, List.of(new Finding(c.sourceKey().named(keyNames(c)), null, null, why)));
    }

    /** An extra target row found by the scan of a translated table (no source key). */
    void extra(Finding f) {
        extraCount += add(extra, List.of(f));
    }

    void unsettledExtra(Finding f) {
        unsettledCount += add(unsettled, List.of(f));
    }

    private List<String> primaryKey = List.of();

    void primaryKey(List<String> pk) {
        this.primaryKey = pk;
    }

    private List<String> keyNames(KeyCheck c) {
        return primaryKey.size() == c.sourceKey().parts().size() ? primaryKey
                : java.util.stream.IntStream.range(0, c.sourceKey().parts().size()).mapToObj(i -> "k" + i).toList();
    }

    private <T> int add(List<T> list, List<T> items) {
        for (T t : items) {
            if (list.size() < keep) {
                list.add(t);
            }
        }
        return items.size();
    }

    long differences() {
        return mismatchCount + missingCount + extraCount + notAppliedCount + failedCount;
    }

    TableReport report() {
        return new TableReport(table, translator, skipped, rowsCompared, targetRowsCompared, chunks, chunksDiffering, rechecked,
                mismatchCount, missingCount, extraCount, notAppliedCount, failedCount, unsettledCount,
                List.copyOf(mismatches), List.copyOf(missing), List.copyOf(extra), List.copyOf(notApplied), List.copyOf(failed),
                List.copyOf(unsettled));
    }
}
