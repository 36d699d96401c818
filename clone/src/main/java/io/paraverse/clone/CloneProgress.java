package io.paraverse.clone;

/** Called after each chunk written to the target (from writer threads: implementations must be thread-safe). */
@FunctionalInterface
public interface CloneProgress {
    /**
     * @param table         the table being copied
     * @param rowsCopied    rows of this table written to the target so far
     * @param estimatedRows the source's estimate ({@code information_schema.TABLES.TABLE_ROWS}) taken before the copy
     */
    void progress(TableRef table, long rowsCopied, long estimatedRows);

    CloneProgress NONE = (t, r, e) -> { };
}
