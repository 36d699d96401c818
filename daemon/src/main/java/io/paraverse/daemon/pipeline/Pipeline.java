package io.paraverse.daemon.pipeline;

import io.paraverse.applier.ApplyCheckpoint;
import io.paraverse.applier.Applier;
import io.paraverse.applier.ApplierOptions;
import io.paraverse.applier.TargetDataSource;
import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.capture.BinlogCapture;
import io.paraverse.capture.CaptureConfig;
import io.paraverse.capture.SourcePreflight;
import io.paraverse.journal.Journal;
import io.paraverse.journal.JournalOptions;
import io.paraverse.journal.PrefetchingJournalReader;
import io.paraverse.journal.SegmentJournal;
import io.paraverse.journal.kafka.KafkaJournal;
import io.paraverse.translator.Commit;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.Translator;
import io.paraverse.translator.TranslationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running capture → journal → apply pipeline. {@link #start} reads top to bottom as the steps it takes;
 * after that capture and apply run on their own threads until {@link #close()}.
 *
 * <p>Restart rule (what makes kill -9 safe): capture resumes from the journal's last durable commit, and apply
 * resumes after the target's checkpoint, which is written in the same target transaction as the rows it covers.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    /** Journal entries decoded ahead of the applier: bounded memory (a few MiB for typical rows). */
    public static final int PREFETCH_ENTRIES = 16_384;

    private final PipelineConfig config;
    private final CaptureConfig captureConfig;
    private Journal journal;
    private HikariDataSource targetPool;
    private volatile Applier applier;
    private BinlogCapture capture;
    /** Set instead of {@link #capture} when the pipeline captures through Debezium. */
    private io.paraverse.capture.debezium.DebeziumCapture debezium;
    private Thread applyThread;
    private final AtomicReference<Throwable> applyFailure = new AtomicReference<>();
    private volatile boolean running;
    private final DdlGate ddlGate;
    /** The translator apply uses now (asked about source DDL under the "translator" policy). */
    private volatile Translator currentTranslator;
    /** What the target holds before the applier's first commit: the configured start, if nothing was applied yet. */
    private String targetStartGtid;

    private Pipeline(PipelineConfig config) {
        this.config = config;
        this.currentTranslator = config.translator();
        this.ddlGate = new DdlGate(config.acknowledgedDdl(), ddl -> config.ddlPolicy() == PipelineConfig.DdlPolicy.TRANSLATOR
                && currentTranslator.acceptsSchemaChange(new io.paraverse.translator.SchemaChange(ddl.schema(), ddl.sql(), ddl.position())));
        Endpoint src = config.source();
        this.captureConfig = CaptureConfig.builder().host(src.host()).port(src.port()).user(src.user()).password(src.password())
                .include(config.include()).exclude(config.exclude()).build();
    }

    /** Checks the source, opens the journal, and starts capture and apply. */
    public static Pipeline start(PipelineConfig config) {
        Pipeline p = new Pipeline(config);
        try {
            p.run();
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void run() {
        log.info("starting {}", config);
        checkSource();
        openJournal();
        ApplyCheckpoint checkpoint = openApplier();
        String resumeFrom = capturePosition(checkpoint);
        startCapture(resumeFrom);
        budget = new JournalBudget(config, journal, this::pauseCaptureForBudget, this::resumeCaptureAfterBudget);
        if (config.applyOnStart()) {
            startApply();
        } else {
            log.info("pipeline {}: capturing only; apply starts when asked (resumeApply)", config.name());
        }
        running = true;
    }

    private void checkSource() {
        if (config.debeziumCapture() != null) {
            return; // Debezium reads the binlog (or Kafka) itself; the binlog reader's preflight does not apply
        }
        SourcePreflight.requirePassing(captureConfig);
    }

    private void openJournal() {
        if (config.kafkaJournal() != null) {
            journal = KafkaJournal.open(config.kafkaJournal());
            return;
        }
        JournalOptions options = JournalOptions.defaults();
        if (config.journalBudgetBytes() > 0) {
            // segments small enough that applying frees space well before the budget is reached again
            options = options.withSegmentBytes(Math.max(64 * 1024, Math.min(JournalOptions.DEFAULT_SEGMENT_BYTES, config.journalBudgetBytes() / 8)));
        }
        journal = SegmentJournal.open(config.journalDir(), options);
    }

    private ApplyCheckpoint openApplier() {
        Endpoint t = config.target();
        // the apply thread, each parallel apply worker, one spare
        targetPool = TargetDataSource.create(t.jdbcUrl(""), t.user(), t.password(), 1 + config.applyWorkers() + (config.applyWorkers() > 1 ? 1 : 0));
        applier = newApplier(config.translator(), config.translatorConfig());
        ApplyCheckpoint cp = applier.checkpoint();
        log.info("target checkpoint: journal seq {}, source {}", cp.journalSeq(), cp.gtidPosition());
        targetStartGtid = cp.isEmpty() ? config.startGtid() : null;
        return cp;
    }

    private Applier newApplier(Translator translator, Map<String, String> translatorConfig) {
        ApplierOptions options = ApplierOptions.builder(config.name()).maxTransactionRows(config.maxBatchRows())
                .applyWorkers(config.applyWorkers()).build();
        return new Applier(targetPool, translator, TranslationContext.of(translatorConfig, Map.of()), options);
    }

    /**
     * Stops applying once the current batch is committed; capture keeps filling the journal. The migration does this
     * while the upgrade reshapes the clone (nothing may write to it then).
     */
    public synchronized void pauseApply() {
        if (applyThread == null) {
            return;
        }
        applier.stop();
        try {
            applyThread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pausing apply of " + config.name(), e);
        }
        if (applyThread.isAlive()) {
            throw new IllegalStateException("apply of " + config.name() + " did not stop within 60 s");
        }
        applyThread = null;
        log.info("pipeline {}: apply paused at {}; capture continues", config.name(), applier.stats().lastPosition());
    }

    /**
     * Applies again from the target's checkpoint, now through {@code translator} (after the upgrade: the migration's
     * translators into the new schema).
     */
    public synchronized void resumeApply(Translator translator, Map<String, String> translatorConfig) {
        if (applyThread != null) {
            throw new IllegalStateException("apply of " + config.name() + " is already running");
        }
        applyFailure.set(null);
        currentTranslator = translator;
        applier = newApplier(translator, translatorConfig);
        startApply();
        log.info("pipeline {}: apply resumed with translator {}", config.name(), translator.name());
    }

    public synchronized boolean applying() {
        return applyThread != null && applyThread.isAlive();
    }

    /** Where capture starts: after the journal's last commit; else the configured start (or the source's now). */
    private String capturePosition(ApplyCheckpoint checkpoint) {
        Optional<Commit> last = journal.lastCommit();
        if (journal.lastDurableSeq() < checkpoint.journalSeq()) {
            throw new IllegalStateException("the journal in " + (config.kafkaJournal() != null ? config.kafkaJournal().describe() : config.journalDir()) + " ends at seq " + journal.lastDurableSeq()
                    + " but the target has applied up to seq " + checkpoint.journalSeq() + " (source " + checkpoint.gtidPosition()
                    + "): this is not the journal the target was fed from. Point --journal at the original journal,"
                    + " or start a fresh target.");
        }
        if (last.isPresent()) {
            log.info("resuming capture after the journal's last commit: {}", last.get().position());
            return last.get().position().gtidPosition();
        }
        return config.startGtid(); // null = now
    }

    private JournalBudget budget;
    /** The source keys captured most recently, for the cutover's last verification. */
    private final RecentKeys recentKeys = new RecentKeys(10_000);

    public RecentKeys recentKeys() {
        return recentKeys;
    }

    /** Whether capture is held because the journal reached its disk budget (it resumes once apply frees space). */
    public boolean captureHeldByBudget() {
        return budget != null && budget.holding();
    }

    private synchronized void pauseCaptureForBudget() {
        if (debezium != null) {
            debezium.close();
        } else {
            capture.close(); // no sink call after this
        }
        journal.writer().discardUncommitted(); // the interrupted transaction is read again on resume
    }

    private synchronized void resumeCaptureAfterBudget() {
        startCapture(journal.lastCommit().map(c -> c.position().gtidPosition()).orElse(config.startGtid()));
    }

    private void startCapture(String from) {
        if (config.debeziumCapture() != null) {
            debezium = config.debeziumCapture().apply(new JournalSink(journal.writer(), ddlGate, recentKeys));
            debezium.start(from);
            return;
        }
        capture = new BinlogCapture(captureConfig, new JournalSink(journal.writer(), ddlGate, recentKeys));
        capture.start(from);
    }

    /** Applies from the journal after the checkpoint; each target commit frees the journal segments it covers. */
    private void startApply() {
        applier.onCommit(cp -> journal.releaseUpTo(cp.journalSeq()));
        applyThread = new Thread(() -> {
            try {
                // the applier opens its own readers (it may re-read after a retry); decoding runs ahead on another thread
                applier.run(seq -> new PrefetchingJournalReader(journal.readAfter(seq), PREFETCH_ENTRIES), () -> true);
            } catch (Throwable e) {
                applyFailure.set(e);
                log.error("apply stopped: {}", e.getMessage(), e);
            }
        }, "apply-" + config.name());
        applyThread.start();
    }

    /** A snapshot of progress. */
    public PipelineStatus status() {
        var as = applier.stats();
        if (debezium != null) {
            return new PipelineStatus(debezium.rowsCaptured(), debezium.transactions(), as.rowsApplied(), as.transactions(),
                    debezium.secondsBehindSource(), as.lastPosition() == null ? null : as.lastPosition().gtidPosition(),
                    journal.sizeBytes(), failure());
        }
        var cs = capture.stats();
        return new PipelineStatus(cs.rowsCaptured(), cs.transactions(), as.rowsApplied(), as.transactions(),
                cs.secondsBehindSource(), as.lastPosition() == null ? null : as.lastPosition().gtidPosition(),
                journal.sizeBytes(), failure());
    }

    /** Seconds between now and the source commit of the last applied transaction while behind; 0 caught up; -1 unknown. */
    public double lagSeconds() {
        return applier.stats().lagSeconds();
    }

    /** The source position of the last commit applied to the target (null before the first). */
    public SourcePosition appliedPosition() {
        return applier.stats().lastPosition();
    }

    /**
     * The source DDL capture stopped at (the default policy), or null: the journal ends before it; restart the
     * pipeline with that GTID in {@link PipelineConfig#acknowledgedDdl()} once the clone or the translators are ready.
     */
    public io.paraverse.capture.DdlEvent blockedDdl() {
        return ddlGate.blocked();
    }

    /** The first failure of capture or apply, if any. */
    public Throwable failure() {
        Throwable a = applyFailure.get();
        if (a != null) {
            return a;
        }
        if (debezium != null) {
            return debezium.failure();
        }
        return capture == null ? null : capture.failure();
    }

    /** Waits until the target has applied everything up to {@code sourceGtidPosition}; throws on failure or timeout. */
    public void awaitCaughtUp(String sourceGtidPosition, Duration timeout) throws InterruptedException {
        GtidPosition goal = GtidPosition.parse(sourceGtidPosition);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!hasApplied(goal)) {
            if (System.nanoTime() > deadline) {
                var pos = applier.stats().lastPosition();
                throw new IllegalStateException("pipeline " + config.name() + " did not reach " + sourceGtidPosition
                        + " within " + timeout.toMillis() + " ms; applied up to " + (pos == null ? "nothing" : pos.gtidPosition()));
            }
            Thread.sleep(2); // a cutover's drain waits here: every millisecond counts against its window
        }
    }

    /** Whether the target holds everything up to {@code goal}; throws if capture or apply has failed. */
    public boolean hasApplied(GtidPosition goal) {
        Throwable f = failure();
        if (f != null) {
            throw new IllegalStateException("pipeline " + config.name() + " failed: " + f.getMessage(), f);
        }
        var pos = applier.stats().lastPosition();
        String applied = pos != null ? pos.gtidPosition() : targetStartGtid;
        return applied != null && GtidPosition.parse(applied).covers(goal);
    }

    @Override
    public void close() {
        running = false;
        if (budget != null) {
            budget.close();
        }
        if (capture != null) {
            capture.close();
        }
        if (debezium != null) {
            debezium.close();
        }
        if (applier != null) {
            applier.stop();
        }
        if (applyThread != null) {
            try {
                applyThread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (targetPool != null) {
            targetPool.close();
        }
        if (journal != null) {
            journal.close();
        }
    }

    public boolean isRunning() {
        return running && failure() == null;
    }
}
