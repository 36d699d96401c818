package io.paraverse.translator.testkit;

import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.applier.Applier;
import io.paraverse.applier.ApplierOptions;
import io.paraverse.applier.ApplierStats;
import io.paraverse.applier.TargetDataSource;
import io.paraverse.journal.JournalEntry;
import io.paraverse.journal.JournalReader;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.Translator;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Writes source changes to a real target through the real {@link Applier} (translation with the applier's persistent
 * id maps, allocators and lookups, op checks, compaction, multi-row statements, checkpoint), so a test sees exactly
 * what a pipeline would write:
 * <pre>{@code
 * try (TargetApplier target = TargetApplier.open(server.jdbcUrl(""), "root", pw, new SplitCustomerTranslator())) {
 *     target.apply(customers.insert(1, "Ann", "Oslo"), customers.insert(2, "Bob", "Rome")); // one transaction
 * }
 * }</pre>
 * Each {@link #apply} call is one source transaction, committed on the target before it returns; a failure is the
 * applier's {@link io.paraverse.applier.ApplyException} (naming table, key and SQL error) after it rolled the
 * transaction back. The changes reach the applier as an in-memory journal. Each TargetApplier is its own pipeline
 * (id {@code testkit-<uuid>}), so it starts with empty id maps, and its allocators start above the largest value
 * on the target; its checkpoint and id-map rows stay in the target's {@code paraverse} schema.
 */
public final class TargetApplier implements AutoCloseable {
    private final Applier applier;
    private final HikariDataSource ownPool;
    private long seq;
    private long txn;

    /** Through {@code translator}, without translator configuration or schema map. */
    public TargetApplier(DataSource target, Translator translator) {
        this(target, translator, TranslationContext.of(Map.of(), Map.of()));
    }

    /**
     * Through {@code translator} with the configuration and schema map of {@code context} (an {@link InMemoryContext}
     * will do); id maps, allocators and lookups are the applier's, on the target.
     */
    public TargetApplier(DataSource target, Translator translator, TranslationContext context) {
        this(target, translator, context, null);
    }

    private TargetApplier(DataSource target, Translator translator, TranslationContext context, HikariDataSource ownPool) {
        Objects.requireNonNull(translator, "translator");
        Objects.requireNonNull(context, "context");
        this.ownPool = ownPool;
        this.applier = new Applier(target, translator, context, ApplierOptions.builder("testkit-" + UUID.randomUUID())
                .idleFlushDelay(Duration.ofMillis(1)).maxRetries(0).build());
        this.seq = applier.checkpoint().journalSeq();
    }

    /** Opens its own pool on the target (with the applier's session settings), closed by {@link #close()}. */
    public static TargetApplier open(String jdbcUrl, String user, String password, Translator translator) {
        return open(jdbcUrl, user, password, translator, TranslationContext.of(Map.of(), Map.of()));
    }

    public static TargetApplier open(String jdbcUrl, String user, String password, Translator translator,
                                     TranslationContext context) {
        HikariDataSource pool = TargetDataSource.create(jdbcUrl, user, password, 2);
        try {
            return new TargetApplier(pool, translator, context, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The pipeline id this TargetApplier applies as. */
    public String pipeline() {
        return applier.options().pipeline();
    }

    /** Applies {@code changes} as one source transaction; returns the applier's counts since this TargetApplier opened. */
    public ApplierStats apply(List<RowChange> changes) {
        ArrayDeque<JournalEntry> entries = new ArrayDeque<>();
        String gtid = "0-1-" + (++txn);
        long pos = 4;
        for (RowChange c : changes) {
            entries.add(new JournalEntry.Row(++seq, c));
            pos = Math.max(pos, c.position().binlogPos());
        }
        long time = changes.isEmpty() ? Changes.DEFAULT_COMMIT_TIME : changes.get(changes.size() - 1).commitTimeMillis();
        entries.add(new JournalEntry.TxCommit(++seq, new Commit(
                new SourcePosition(gtid, gtid, "testkit-bin.000001", pos + 1), time)));
        try {
            applier.runUntilCaughtUp(new QueueReader(entries));
        } catch (RuntimeException e) {
            seq = applier.checkpoint().journalSeq(); // rolled back: the next transaction follows the checkpoint
            throw e;
        }
        return applier.stats();
    }

    public ApplierStats apply(RowChange... changes) {
        return apply(List.of(changes));
    }

    @Override
    public void close() {
        if (ownPool != null) {
            ownPool.close();
        }
    }

    static String quoteTable(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? quote(qualified) : quote(qualified.substring(0, dot)) + "." + quote(qualified.substring(dot + 1));
    }

    static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** The journal of one {@link #apply} call; when empty it waits (briefly) like the real one, so the applier idles. */
    private static final class QueueReader implements JournalReader {
        private final ArrayDeque<JournalEntry> entries;

        QueueReader(ArrayDeque<JournalEntry> entries) {
            this.entries = entries;
        }

        @Override
        public JournalEntry poll(long timeout, TimeUnit unit) {
            JournalEntry e = entries.poll();
            if (e == null) {
                LockSupport.parkNanos(Math.min(unit.toNanos(timeout), TimeUnit.MILLISECONDS.toNanos(1)));
            }
            return e;
        }

        @Override
        public void close() { }
    }
}
