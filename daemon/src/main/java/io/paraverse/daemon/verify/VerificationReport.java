package io.paraverse.daemon.verify;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * What a verification found, per source table: how much was compared, and every difference with its keys and, for
 * a row that differs, each column with the expected (production translated) and the actual (clone) value. Values
 * are canonical text ({@code 0x...} for binary), cut after {@value Canonical#SHOWN_CHARS} characters. Lists hold the
 * first {@code findingsPerTable} findings; the counts are complete. Jackson serialises it as it is.
 *
 * @param rowsPerSecondLimit the rate limit production reads were kept under
 */
public record VerificationReport(String mode, String startedAt, double durationSeconds, long rowsPerSecondLimit,
                                 long sourceRowsRead, List<TableReport> tables) {

    /** Nothing differs, nothing is pending: every compared row is proven equal. */
    public boolean clean() {
        return tables.stream().allMatch(TableReport::clean);
    }

    /** Any persistent difference (mismatch, missing, extra, not applied, translation failure). */
    public boolean hasDifferences() {
        return tables.stream().anyMatch(t -> t.mismatchCount() + t.missingCount() + t.extraCount() + t.notAppliedCount()
                + t.failedCount() > 0);
    }

    public long mismatchCount() {
        return tables.stream().mapToLong(TableReport::mismatchCount).sum();
    }

    public long unsettledCount() {
        return tables.stream().mapToLong(TableReport::unsettledCount).sum();
    }

    /** The report of one source table ("schema.table"), if it was verified. */
    public TableReport table(String sourceTable) {
        return tables.stream().filter(t -> t.table().equals(sourceTable)).findFirst().orElse(null);
    }

    /**
     * One source table.
     *
     * @param translator   the translator of the table ("identity", a translator's name, or "dropped")
     * @param skipped      why the table was not compared, or null
     * @param rowsCompared source rows compared (after re-checks: each key counted once)
     * @param targetRowsCompared target rows the translation of those rows expected
     * @param chunks       chunks read (FULL), {@code chunksDiffering}: chunks whose digest differed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableReport(String table, String translator, String skipped, long rowsCompared, long targetRowsCompared,
                              long chunks, long chunksDiffering, long rechecked,
                              long mismatchCount, long missingCount, long extraCount, long notAppliedCount,
                              long failedCount, long unsettledCount,
                              List<Mismatch> mismatches, List<Finding> missing, List<Finding> extra,
                              List<Finding> notApplied, List<Finding> failed, List<Finding> unsettled) {
        @JsonIgnore
        public boolean clean() {
            return mismatchCount + missingCount + extraCount + notAppliedCount + failedCount + unsettledCount == 0;
        }
    }

    /**
     * A target row that exists but differs.
     *
     * @param sourceKey   the production row's key, column → value
     * @param targetTable "schema.table" on the clone
     * @param targetKey   the clone row's key, column → value
     */
    public record Mismatch(Map<String, String> sourceKey, String targetTable, Map<String, String> targetKey, List<ColumnDiff> columns) { }

    /** One column of a mismatching row: what production translated says, what the clone has. */
    public record ColumnDiff(String column, String expected, String actual) { }

    /**
     * A row missing on the clone, extra on the clone, not applied yet, whose translation failed, or that never
     * settled while production kept changing; {@code detail} says which and why.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Finding(Map<String, String> sourceKey, String targetTable, Map<String, String> targetKey, String detail) { }
}
