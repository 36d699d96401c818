package io.paraverse.applier;

import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.journal.JournalReader;
import io.paraverse.translator.Column;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import javax.sql.DataSource;

import static io.paraverse.applier.TestTarget.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transient target errors are retried by replaying the target transaction; nothing is applied twice or lost. */
class TransientRetryTest {
    static final String DB = "t_retry";
    static final TableDef ITEMS = new TableDef(DB, "items", List.of(Column.of("id", SqlType.BIGINT),
            Column.of("name", SqlType.VARCHAR)), List.of("id"));

    static MariaDbServer server;
    static HikariDataSource ds;
    static int pipelines;

    @BeforeAll
    static void start() {
        server = MariaDbServer.start(MariaDbOptions.target("applier-retry")
                .option("innodb-flush-log-at-trx-commit", "2")
                .option("innodb-lock-wait-timeout", "1"));
        ds = TestTarget.dataSource(server);
    }

    @AfterAll
    static void stop() {
        ds.close();
        server.close();
    }

    @BeforeEach
    void tables() {
        TestTarget.recreate(server, DB, "CREATE TABLE %db.items (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(20))",
                "INSERT INTO %db.items VALUES (1, 'a')");
    }

    static ApplierOptions.Builder options() {
        return ApplierOptions.builder("retry-" + (++pipelines)).retryBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
    }

    static Applier applier(DataSource d, ApplierOptions o) {
        return new Applier(d, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()), o);
    }

    List<List<String>> items() {
        return TestTarget.rows(server, "SELECT id, name FROM t_retry.items ORDER BY id");
    }

    /** Holds a row lock on id 1 from another connection until the applier has retried at least {@code retries}. */
    static Connection lockRow1() throws Exception {
        Connection locker = server.connect("");
        locker.setAutoCommit(false);
        try (Statement st = locker.createStatement()) {
            st.executeQuery("SELECT * FROM t_retry.items WHERE id = 1 FOR UPDATE").close();
        }
        return locker;
    }

    static void releaseAfterRetries(Connection locker, Applier a, int retries) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (a.stats().retries() < retries && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        locker.rollback();
        locker.close();
    }

    @Test
    void lockWaitTimeoutIsRetriedUntilTheLockIsReleased() throws Exception {
        Entries j = new Entries()
                .insert(ITEMS, 2L, "b").update(ITEMS, new Object[] {1L, "a"}, new Object[] {1L, "a2"}).commit()
                .insert(ITEMS, 3L, "c").commit();
        Applier a = applier(ds, options().build());
        Connection locker = lockRow1();
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> a.runUntilCaughtUp(j.reader()));
        releaseAfterRetries(locker, a, 2);
        run.get(60, TimeUnit.SECONDS);

        assertEquals(List.of(row("1", "a2"), row("2", "b"), row("3", "c")), items());
        assertEquals(j.lastSeq(), a.checkpoint().journalSeq());
        assertTrue(a.stats().retries() >= 2, a.stats().toString());
        assertTrue(a.stats().lastError().contains("Lock wait timeout"), a.stats().lastError());
        assertEquals(1, a.stats().targetCommits());
    }

    @Test
    void hugeTransactionIsReplayedFromTheJournalAfterATransientError() throws Exception {
        Entries j = new Entries();
        for (long id = 10; id < 16; id++) {
            j.insert(ITEMS, id, "v" + id);
        }
        j.update(ITEMS, new Object[] {1L, "a"}, new Object[] {1L, "last"}).commit(); // 7 ops, 2 per piece
        AtomicInteger opened = new AtomicInteger();
        LongFunction<JournalReader> openAfter = seq -> {
            opened.incrementAndGet();
            return new ListJournalReader(j.list(), seq);
        };
        Applier a = applier(ds, options().maxTransactionRows(2).build());
        Connection locker = lockRow1();
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> a.run(openAfter, () -> !a.stats().caughtUp()));
        releaseAfterRetries(locker, a, 2);
        run.get(60, TimeUnit.SECONDS);

        assertTrue(opened.get() >= 2, "reopened " + opened.get());
        List<List<String>> expected = new ArrayList<>(List.of(row("1", "last")));
        for (long id = 10; id < 16; id++) {
            expected.add(row(String.valueOf(id), "v" + id));
        }
        assertEquals(expected, items());
        assertEquals(j.lastSeq(), a.checkpoint().journalSeq());
        assertEquals(7, a.stats().rowsApplied());
    }

    @Test
    void hugeTransactionWithAGivenReaderStopsRetryably() throws Exception {
        Entries j = new Entries().insert(ITEMS, 10L, "x").insert(ITEMS, 11L, "y")
                .update(ITEMS, new Object[] {1L, "a"}, new Object[] {1L, "z"}).commit();
        Applier a = applier(ds, options().maxTransactionRows(2).build());
        Connection locker = lockRow1();
        try {
            ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));
            assertTrue(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().contains("start the applier again from its checkpoint"), e.getMessage());
        } finally {
            locker.rollback();
            locker.close();
        }
        assertEquals(List.of(row("1", "a")), items());
        assertEquals(0, a.checkpoint().journalSeq());
        a.runUntilCaughtUp(new ListJournalReader(j.list(), a.checkpoint().journalSeq())); // started again: applies
        assertEquals(List.of(row("1", "z"), row("10", "x"), row("11", "y")), items());
    }

    @Test
    void commitThatLandedBeforeTheConnectionWasLostIsNotReplayed() {
        FaultyDataSource faulty = new FaultyDataSource(ds, "INSERT INTO `t_retry`.`items`");
        Entries j = new Entries().insert(ITEMS, 2L, "b").update(ITEMS, new Object[] {1L, "a"}, new Object[] {1L, "a2"})
                .commit();
        Applier a = applier(faulty, options().build());
        faulty.nextCommit = FaultyDataSource.CommitFault.LOST_AFTER_COMMIT;
        a.runUntilCaughtUp(j.reader());

        assertEquals(List.of(row("1", "a2"), row("2", "b")), items());
        assertEquals(j.lastSeq(), a.checkpoint().journalSeq());
        assertEquals(1, faulty.counted.get(), "the upsert statement ran once: not replayed");
        assertEquals(1, faulty.commits.get());
        assertEquals(1, a.stats().retries());
        assertEquals(1, a.stats().targetCommits());
        assertEquals(2, a.stats().rowsApplied());
    }

    @Test
    void commitLostBeforeReachingTheServerIsReplayed() {
        FaultyDataSource faulty = new FaultyDataSource(ds, "INSERT INTO `t_retry`.`items`");
        Entries j = new Entries().insert(ITEMS, 2L, "b").update(ITEMS, new Object[] {1L, "a"}, new Object[] {1L, "a2"})
                .commit();
        Applier a = applier(faulty, options().build());
        faulty.nextCommit = FaultyDataSource.CommitFault.LOST_BEFORE_COMMIT;
        a.runUntilCaughtUp(j.reader());

        assertEquals(List.of(row("1", "a2"), row("2", "b")), items());
        assertEquals(j.lastSeq(), a.checkpoint().journalSeq());
        assertEquals(2, faulty.counted.get(), "the upsert statement ran again after the lost commit");
        assertEquals(1, faulty.commits.get());
        assertEquals(1, a.stats().retries());
    }

    @Test
    void retriesAreBounded() throws Exception {
        Entries j = new Entries().update(ITEMS, new Object[] {1L, "a"}, new Object[] {1L, "b"}).commit();
        Applier a = applier(ds, options().maxRetries(1).retryBackoff(Duration.ZERO, Duration.ZERO).build());
        Connection locker = lockRow1();
        try {
            ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));
            assertTrue(e.retryable());
            assertEquals(1205, e.sqlErrorCode(), e.getMessage());
            assertTrue(e.getMessage().contains("giving up after 1 retries"), e.getMessage());
        } finally {
            locker.rollback();
            locker.close();
        }
        assertEquals(List.of(row("1", "a")), items());
    }
}
