package io.paraverse.daemon.pipeline;

import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.Translator;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one capture → journal → apply pipeline needs: source and target servers, where the journal lives, which
 * tables to carry, and where to start when neither journal nor target checkpoint says so (a GTID position, or
 * null for "now"). Validated when built; immutable.
 */
public final class PipelineConfig {
    private final String name;
    private final Endpoint source;
    private final Endpoint target;
    private final Path journalDir;
    private final List<String> include;
    private final List<String> exclude;
    private final String startGtid;
    private final int maxBatchRows;
    private final int applyWorkers;
    private final Translator translator;
    private final Map<String, String> translatorConfig;
    private final boolean applyOnStart;
    private final java.util.Set<String> acknowledgedDdl;
    private final long journalBudgetBytes;
    private final DdlPolicy ddlPolicy;
    private final io.paraverse.journal.kafka.KafkaJournalOptions kafkaJournal;
    private final java.util.function.Function<io.paraverse.capture.ChangeSink, io.paraverse.capture.debezium.DebeziumCapture> debeziumCapture;

    /** What capture does at a schema change of a captured table on the source. */
    public enum DdlPolicy {
        /** stop before it until an operator acknowledges its GTID (the default) */
        PAUSE,
        /** let it pass when the current translators accept it ({@code Translator.acceptsSchemaChange}), else stop */
        TRANSLATOR
    }

    private PipelineConfig(Builder b) {
        this.name = require(b.name, "name");
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("name: use 1-64 letters, digits, '_', '.' or '-', got '" + name + "'");
        }
        this.source = require(b.source, "source");
        this.target = require(b.target, "target");
        this.journalDir = require(b.journalDir, "journalDir");
        this.include = List.copyOf(b.include);
        this.exclude = List.copyOf(b.exclude);
        this.startGtid = b.startGtid;
        if (b.maxBatchRows < 1) {
            throw new IllegalArgumentException("maxBatchRows must be at least 1, got " + b.maxBatchRows);
        }
        this.maxBatchRows = b.maxBatchRows;
        if (b.applyWorkers < 1 || b.applyWorkers > 64) {
            throw new IllegalArgumentException("applyWorkers must be 1..64, got " + b.applyWorkers);
        }
        this.applyWorkers = b.applyWorkers;
        this.translator = require(b.translator, "translator");
        this.translatorConfig = Map.copyOf(b.translatorConfig);
        this.applyOnStart = b.applyOnStart;
        this.acknowledgedDdl = java.util.Set.copyOf(b.acknowledgedDdl);
        this.journalBudgetBytes = b.journalBudgetBytes;
        this.ddlPolicy = require(b.ddlPolicy, "ddlPolicy");
        this.kafkaJournal = b.kafkaJournal;
        this.debeziumCapture = b.debeziumCapture;
    }

    private static <T> T require(T v, String field) {
        return Objects.requireNonNull(v, () -> field + " is required");
    }

    public static Builder builder() { return new Builder(); }

    public String name() { return name; }
    public Endpoint source() { return source; }
    public Endpoint target() { return target; }
    public Path journalDir() { return journalDir; }
    public List<String> include() { return include; }
    public List<String> exclude() { return exclude; }
    /** GTID position to start capturing at when nothing was captured yet; null = the source's current position. */
    public String startGtid() { return startGtid; }
    public int maxBatchRows() { return maxBatchRows; }
    /** Target connections committing batches in parallel, scheduled by write-set (1: the apply thread alone). */
    public int applyWorkers() { return applyWorkers; }
    /** Rewrites each source change for the target (default: {@link IdentityTranslator}, same tables and columns). */
    public Translator translator() { return translator; }
    public Map<String, String> translatorConfig() { return translatorConfig; }
    /** False: capture only until {@code Pipeline.resumeApply} (the clone is being upgraded). */
    public boolean applyOnStart() { return applyOnStart; }
    /** GTIDs of source DDL statements an operator has let through; capture stops at any other DDL (see DdlGate). */
    public java.util.Set<String> acknowledgedDdl() { return acknowledgedDdl; }
    /** Disk the journal may use (0: unlimited): an alert at 80%, capture paused at 100% until apply frees it. */
    public long journalBudgetBytes() { return journalBudgetBytes; }
    public DdlPolicy ddlPolicy() { return ddlPolicy; }
    /** Set: the journal is this Kafka topic (journal-kafka) instead of segment files in {@link #journalDir()}. */
    public io.paraverse.journal.kafka.KafkaJournalOptions kafkaJournal() { return kafkaJournal; }
    /**
     * Set: capture through Debezium (topics of a Connect deployment, or the embedded engine) instead of the binlog
     * reader; the function builds the capture for the pipeline's journal sink (capture-debezium module).
     */
    public java.util.function.Function<io.paraverse.capture.ChangeSink, io.paraverse.capture.debezium.DebeziumCapture> debeziumCapture() { return debeziumCapture; }

    @Override
    public String toString() {
        return "pipeline " + name + ": " + source + " -> " + target + ", journal " + (kafkaJournal != null ? kafkaJournal.describe() : journalDir) + ", include " + include
                + (exclude.isEmpty() ? "" : ", exclude " + exclude);
    }

    public static final class Builder {
        private String name;
        private Endpoint source;
        private Endpoint target;
        private Path journalDir;
        private List<String> include = List.of();
        private List<String> exclude = List.of();
        private String startGtid;
        private int maxBatchRows = 20_000;
        private int applyWorkers = 1;
        private Translator translator = new IdentityTranslator();
        private Map<String, String> translatorConfig = Map.of();
        private boolean applyOnStart = true;
        private java.util.Set<String> acknowledgedDdl = java.util.Set.of();
        private long journalBudgetBytes;
        private DdlPolicy ddlPolicy = DdlPolicy.PAUSE;
        private io.paraverse.journal.kafka.KafkaJournalOptions kafkaJournal;
        private java.util.function.Function<io.paraverse.capture.ChangeSink, io.paraverse.capture.debezium.DebeziumCapture> debeziumCapture;

        public Builder name(String v) { name = v; return this; }
        public Builder source(Endpoint v) { source = v; return this; }
        public Builder target(Endpoint v) { target = v; return this; }
        public Builder journalDir(Path v) { journalDir = v; return this; }
        public Builder include(List<String> v) { include = v; return this; }
        public Builder exclude(List<String> v) { exclude = v; return this; }
        public Builder startGtid(String v) { startGtid = v; return this; }
        public Builder maxBatchRows(int v) { maxBatchRows = v; return this; }
        public Builder applyWorkers(int v) { applyWorkers = v; return this; }
        public Builder translator(Translator v) { translator = v; return this; }
        public Builder translatorConfig(Map<String, String> v) { translatorConfig = v; return this; }
        public Builder applyOnStart(boolean v) { applyOnStart = v; return this; }
        public Builder acknowledgedDdl(java.util.Set<String> v) { acknowledgedDdl = v; return this; }
        public Builder journalBudgetBytes(long v) { journalBudgetBytes = v; return this; }
        public Builder ddlPolicy(DdlPolicy v) { ddlPolicy = v; return this; }
        public Builder kafkaJournal(io.paraverse.journal.kafka.KafkaJournalOptions v) { kafkaJournal = v; return this; }
        public Builder debeziumCapture(java.util.function.Function<io.paraverse.capture.ChangeSink, io.paraverse.capture.debezium.DebeziumCapture> v) { debeziumCapture = v; return this; }
        public PipelineConfig build() { return new PipelineConfig(this); }
    }
}
