package io.paraverse.applier;

import io.paraverse.translator.Column;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.paraverse.applier.TestTarget.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The apply loop against a live journal: idle flushes, stop, listeners, stats, and a second writer. */
class LifecycleTest extends SharedTargetTest {
    static final String DB = "t_life";
    static final TableDef ITEMS = new TableDef(DB, "items", List.of(Column.of("id", SqlType.BIGINT),
            Column.of("name", SqlType.VARCHAR)), List.of("id"));

    static int pipelines;



    @BeforeEach
    void tables() {
        TestTarget.recreate(server, DB, "CREATE TABLE %db.items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(20))");
    }

    static Applier applier(ApplierOptions.Builder b) {
        return new Applier(ds, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()), b.build());
    }

    static ApplierOptions.Builder options() {
        return ApplierOptions.builder("life-" + (++pipelines));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void idleJournalCommitsWhatIsCompleteAndStopReturns() throws Exception {
        QueueJournalReader reader = new QueueJournalReader();
        Applier a = applier(options().maxBatchDelay(Duration.ofSeconds(60))); // only the idle flush can commit
        List<ApplyCheckpoint> commits = new CopyOnWriteArrayList<>();
        a.onCommit(commits::add);
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> a.run(reader, () -> true));

        Entries j = new Entries().insert(ITEMS, 1L, "a").insert(ITEMS, 2L, "b").commit().insert(ITEMS, 3L, "c");
        reader.offer(j.list());
        await(() -> a.stats().lastAppliedSeq() == 3, "the idle flush");
        assertEquals(List.of(row("1", "a"), row("2", "b")), TestTarget.rows(server,
                "SELECT id, name FROM t_life.items ORDER BY id"));
        assertTrue(a.isRunning());
        assertTrue(a.stats().running());
        assertEquals(1, commits.size());
        assertEquals(3, commits.get(0).journalSeq());
        assertEquals("0-1-1", commits.get(0).gtid());

        j.commit(); // the open transaction's commit arrives
        reader.offer(j.list().subList(4, 5));
        await(() -> a.stats().lastAppliedSeq() == 5, "the second commit");
        await(() -> a.stats().caughtUp(), "caught up");
        ApplierStats st = a.stats();
        assertEquals(0.0, st.lagSeconds());
        assertEquals(3, st.rowsApplied());
        assertEquals(2, st.transactions());
        assertEquals(2, st.targetCommits());
        assertTrue(st.rowsPerSecond() > 0, st.toString());
        assertEquals(Entries.BINLOG, st.lastPosition().binlogFile());

        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> a.run(reader, () -> true));
        assertTrue(twice.getMessage().contains("already running"));

        a.stop();
        run.get(10, TimeUnit.SECONDS);
        assertFalse(a.isRunning());
        assertEquals(List.of(row("1", "a"), row("2", "b"), row("3", "c")), TestTarget.rows(server,
                "SELECT id, name FROM t_life.items ORDER BY id"));
    }

    @Test
    void stopCommitsCompleteTransactionsStillBuffered() throws Exception {
        QueueJournalReader reader = new QueueJournalReader();
        Applier a = applier(options().maxBatchDelay(Duration.ofSeconds(60)).idleFlushDelay(Duration.ofSeconds(60)));
        Entries j = new Entries().insert(ITEMS, 1L, "a").commit().insert(ITEMS, 2L, "b");
        reader.offer(j.list());
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> a.run(reader, () -> true));
        Thread.sleep(300); // everything read; nothing committed yet (no idle flush for 60 s)
        assertEquals(0, a.stats().targetCommits());
        a.stop();
        run.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(row("1", "a")), TestTarget.rows(server, "SELECT id, name FROM t_life.items"));
        assertEquals(2, a.checkpoint().journalSeq());
    }

    @Test
    void keepRunningCanDrainToAJournalPosition() {
        Entries j = new Entries();
        for (long id = 1; id <= 10; id++) {
            j.insert(ITEMS, id, "v" + id).commit();
        }
        Applier a = applier(options().maxTransactionRows(1));
        a.run(j.reader(), () -> a.stats().lastAppliedSeq() < 8); // drain to the 4th commit
        assertEquals(8, a.checkpoint().journalSeq());
        assertEquals(4, TestTarget.rows(server, "SELECT id FROM t_life.items").size());
    }

    @Test
    void secondWriterOfThePipelineIsDetected() throws Exception {
        QueueJournalReader reader = new QueueJournalReader();
        Applier a = applier(options());
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> a.run(reader, () -> true));
        Entries j = new Entries().insert(ITEMS, 1L, "a").commit();
        reader.offer(j.list());
        await(() -> a.stats().lastAppliedSeq() == 2, "the first commit");
        // another applier of the same pipeline moved the checkpoint
        server.execute("UPDATE paraverse.apply_checkpoint SET journal_seq = 99 WHERE pipeline = '"
                + a.options().pipeline() + "'");
        j.insert(ITEMS, 2L, "b").commit();
        reader.offer(j.list().subList(2, 4));
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(20, TimeUnit.SECONDS));
        ApplyException ae = assertInstanceOf(ApplyException.class, e.getCause());
        assertTrue(ae.getMessage().contains("another applier is writing this pipeline"), ae.getMessage());
        assertTrue(ae.getMessage().contains("(found 99)"), ae.getMessage());
        assertEquals(List.of(row("1", "a")), TestTarget.rows(server, "SELECT id, name FROM t_life.items"));
    }

    @Test
    void interruptStopsWithoutCommittingTheOpenBatch() throws Exception {
        QueueJournalReader reader = new QueueJournalReader();
        Applier a = applier(options().maxBatchDelay(Duration.ofSeconds(60)).idleFlushDelay(Duration.ofSeconds(60)));
        reader.offer(new Entries().insert(ITEMS, 1L, "a").commit().list());
        Thread t = new Thread(() -> a.run(reader, () -> true));
        t.start();
        Thread.sleep(300);
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertFalse(a.isRunning());
        assertEquals(List.of(), TestTarget.rows(server, "SELECT id FROM t_life.items"));
        assertEquals(0, a.checkpoint().journalSeq());
    }

    @Test
    void entriesBeforeTheCheckpointAreSkippedEvenIfTheReaderStartsEarlier() {
        Entries j = new Entries().insert(ITEMS, 1L, "a").commit().insert(ITEMS, 2L, "b").commit();
        Applier a = applier(options().maxTransactionRows(1));
        a.run(j.reader(), () -> a.stats().lastAppliedSeq() < 2);
        server.execute("DELETE FROM t_life.items");
        a.runUntilCaughtUp(j.reader()); // opened at 0: the first transaction must not be applied again
        assertEquals(List.of(row("2", "b")), TestTarget.rows(server, "SELECT id, name FROM t_life.items"));
    }
}
