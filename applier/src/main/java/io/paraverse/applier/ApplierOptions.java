package io.paraverse.applier;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How an {@link Applier} batches and retries. Immutable and validated; build with {@link #builder(String)}.
 * Holds no secrets (the target's credentials live in its {@link javax.sql.DataSource}).
 *
 * <ul>
 *   <li>{@code pipeline}: id of this applier's checkpoint row; one journal applied to one target.</li>
 *   <li>{@code checkpointSchema}: schema of the {@code apply_checkpoint} table on the target (default "paraverse").</li>
 *   <li>{@code maxTransactionRows}: target ops buffered before a target transaction is committed at the next
 *       source commit (default 20,000). Also the bound on buffered ops: a single source transaction larger than
 *       this is written in several pieces inside one target transaction that commits at its commit entry.</li>
 *   <li>{@code maxStatementRows}: rows per multi-row statement (default 1,000); statements are also kept under
 *       the target's {@code max_allowed_packet} and 65,535 bind parameters.</li>
 *   <li>{@code idleFlushDelay}: when the journal has nothing new for this long, what is buffered up to the last
 *       source commit is committed (default 20 ms).</li>
 *   <li>{@code maxBatchDelay}: a buffered source commit never waits longer than this for more to batch with,
 *       even when the journal never runs dry (default 500 ms).</li>
 *   <li>{@code compaction}: net-effect compaction of tables whose only unique index is the op key (default on;
 *       off writes every op in source order, for diagnosis and measurement).</li>
 *   <li>{@code sqlMode}: the {@code sql_mode} of apply sessions (default
 *       {@value #DEFAULT_SQL_MODE}: zero and invalid dates and explicit 0 ids are stored as the source had them,
 *       while a value the target column cannot hold is an error that stops the applier, never a silent truncation).</li>
 *   <li>{@code maxRetries}, {@code retryBackoff}, {@code maxRetryBackoff}: transient target errors (deadlock,
 *       lock wait timeout, lost connection) are retried this many times in a row, backing off exponentially.</li>
 *   <li>{@code applyWorkers}: target connections that commit batches in parallel, scheduled by write-set (default 1:
 *       the apply thread commits every batch itself; see {@link ParallelApply}). Up to 64.</li>
 * </ul>
 */
public final class ApplierOptions {
    public static final String DEFAULT_CHECKPOINT_SCHEMA = "paraverse";
    public static final String DEFAULT_SQL_MODE = "STRICT_ALL_TABLES,ALLOW_INVALID_DATES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";
    public static final int DEFAULT_MAX_TRANSACTION_ROWS = 20_000;
    public static final int DEFAULT_MAX_STATEMENT_ROWS = 1_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:@-]{1,191}");
    private static final Pattern SCHEMA = Pattern.compile("[A-Za-z0-9_$]{1,64}");
    private static final Pattern SQL_MODE = Pattern.compile("[A-Za-z0-9_,]*");

    private final String pipeline;
    private final String checkpointSchema;
    private final int maxTransactionRows;
    private final int maxStatementRows;
    private final Duration idleFlushDelay;
    private final Duration maxBatchDelay;
    private final boolean compaction;
    private final String sqlMode;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final int applyWorkers;

    private ApplierOptions(Builder b) {
        this.pipeline = b.pipeline;
        this.checkpointSchema = b.checkpointSchema;
        this.maxTransactionRows = b.maxTransactionRows;
        this.maxStatementRows = b.maxStatementRows;
        this.idleFlushDelay = b.idleFlushDelay;
        this.maxBatchDelay = b.maxBatchDelay;
        this.compaction = b.compaction;
        this.sqlMode = b.sqlMode;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
        this.maxRetryBackoff = b.maxRetryBackoff;
        this.applyWorkers = b.applyWorkers;
    }

    /** Options with defaults for the given pipeline. */
    public static ApplierOptions defaults(String pipeline) {
        return builder(pipeline).build();
    }

    public static Builder builder(String pipeline) {
        return new Builder(pipeline);
    }

    /** A builder pre-filled with these options. */
    public Builder toBuilder() {
        Builder b = new Builder(pipeline);
        b.checkpointSchema = checkpointSchema;
        b.maxTransactionRows = maxTransactionRows;
        b.maxStatementRows = maxStatementRows;
        b.idleFlushDelay = idleFlushDelay;
        b.maxBatchDelay = maxBatchDelay;
        b.compaction = compaction;
        b.sqlMode = sqlMode;
        b.maxRetries = maxRetries;
        b.retryBackoff = retryBackoff;
        b.maxRetryBackoff = maxRetryBackoff;
        b.applyWorkers = applyWorkers;
        return b;
    }

    public String pipeline() { return pipeline; }
    public String checkpointSchema() { return checkpointSchema; }
    public int maxTransactionRows() { return maxTransactionRows; }
    public int maxStatementRows() { return maxStatementRows; }
    public Duration idleFlushDelay() { return idleFlushDelay; }
    public Duration maxBatchDelay() { return maxBatchDelay; }
    public boolean compaction() { return compaction; }
    public String sqlMode() { return sqlMode; }
    public int maxRetries() { return maxRetries; }
    public Duration retryBackoff() { return retryBackoff; }
    public Duration maxRetryBackoff() { return maxRetryBackoff; }
    public int applyWorkers() { return applyWorkers; }

    @Override
    public String toString() {
        return "ApplierOptions{pipeline=" + pipeline + ", checkpointSchema=" + checkpointSchema
                + ", maxTransactionRows=" + maxTransactionRows + ", maxStatementRows=" + maxStatementRows
                + ", idleFlushDelay=" + idleFlushDelay.toMillis() + "ms, maxBatchDelay=" + maxBatchDelay.toMillis()
                + "ms, compaction=" + compaction + ", sqlMode=" + sqlMode + ", maxRetries=" + maxRetries
                + ", retryBackoff=" + retryBackoff.toMillis() + ".." + maxRetryBackoff.toMillis() + "ms, applyWorkers="
                + applyWorkers + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApplierOptions a && pipeline.equals(a.pipeline) && checkpointSchema.equals(a.checkpointSchema)
                && maxTransactionRows == a.maxTransactionRows && maxStatementRows == a.maxStatementRows
                && idleFlushDelay.equals(a.idleFlushDelay) && maxBatchDelay.equals(a.maxBatchDelay)
                && compaction == a.compaction && sqlMode.equals(a.sqlMode) && maxRetries == a.maxRetries
                && retryBackoff.equals(a.retryBackoff) && maxRetryBackoff.equals(a.maxRetryBackoff)
                && applyWorkers == a.applyWorkers;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pipeline, checkpointSchema, maxTransactionRows, maxStatementRows, idleFlushDelay,
                maxBatchDelay, compaction, sqlMode, maxRetries, retryBackoff, maxRetryBackoff, applyWorkers);
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private final String pipeline;
        private String checkpointSchema = DEFAULT_CHECKPOINT_SCHEMA;
        private int maxTransactionRows = DEFAULT_MAX_TRANSACTION_ROWS;
        private int maxStatementRows = DEFAULT_MAX_STATEMENT_ROWS;
        private Duration idleFlushDelay = Duration.ofMillis(20);
        private Duration maxBatchDelay = Duration.ofMillis(500);
        private boolean compaction = true;
        private String sqlMode = DEFAULT_SQL_MODE;
        private int maxRetries = 10;
        private Duration retryBackoff = Duration.ofMillis(100);
        private Duration maxRetryBackoff = Duration.ofSeconds(10);
        private int applyWorkers = 1;

        private Builder(String pipeline) {
            this.pipeline = pipeline;
        }

        public Builder checkpointSchema(String schema) { this.checkpointSchema = schema; return this; }
        public Builder maxTransactionRows(int rows) { this.maxTransactionRows = rows; return this; }
        public Builder maxStatementRows(int rows) { this.maxStatementRows = rows; return this; }
        public Builder idleFlushDelay(Duration d) { this.idleFlushDelay = d; return this; }
        public Builder maxBatchDelay(Duration d) { this.maxBatchDelay = d; return this; }
        public Builder compaction(boolean on) { this.compaction = on; return this; }
        public Builder sqlMode(String mode) { this.sqlMode = mode; return this; }
        public Builder maxRetries(int n) { this.maxRetries = n; return this; }
        public Builder applyWorkers(int n) { this.applyWorkers = n; return this; }
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryBackoff = initial;
            this.maxRetryBackoff = max;
            return this;
        }

        public ApplierOptions build() {
            if (pipeline == null || !NAME.matcher(pipeline).matches()) {
                throw new IllegalArgumentException("pipeline name must be 1-191 characters of letters, digits and _.:@- (got "
                        + (pipeline == null ? "null" : "'" + pipeline + "'") + ")");
            }
            if (checkpointSchema == null || !SCHEMA.matcher(checkpointSchema).matches()) {
                throw new IllegalArgumentException("checkpoint schema must be 1-64 characters of letters, digits, _ and $ (got "
                        + (checkpointSchema == null ? "null" : "'" + checkpointSchema + "'") + ")");
            }
            if (maxTransactionRows < 1 || maxTransactionRows > 10_000_000) {
                throw new IllegalArgumentException("maxTransactionRows must be 1..10,000,000, got " + maxTransactionRows);
            }
            if (maxStatementRows < 1 || maxStatementRows > 65_535) {
                throw new IllegalArgumentException("maxStatementRows must be 1..65,535, got " + maxStatementRows);
            }
            requirePositive("idleFlushDelay", idleFlushDelay, false);
            requirePositive("maxBatchDelay", maxBatchDelay, false);
            if (sqlMode == null || !SQL_MODE.matcher(sqlMode).matches()) {
                throw new IllegalArgumentException("sqlMode must be a comma-separated list of mode names, got " + sqlMode);
            }
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
            }
            if (applyWorkers < 1 || applyWorkers > 64) {
                throw new IllegalArgumentException("applyWorkers must be 1..64, got " + applyWorkers);
            }
            requirePositive("retryBackoff", retryBackoff, true);
            requirePositive("maxRetryBackoff", maxRetryBackoff, true);
            if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
                throw new IllegalArgumentException("maxRetryBackoff " + maxRetryBackoff + " is below retryBackoff " + retryBackoff);
            }
            return new ApplierOptions(this);
        }

        private static void requirePositive(String name, Duration d, boolean zeroOk) {
            if (d == null || d.isNegative() || (!zeroOk && d.isZero()) || d.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(name + " must be " + (zeroOk ? "0" : "above 0") + " .. 1 h, got " + d);
            }
        }
    }
}
