package io.paraverse.daemon.verify;

import io.paraverse.cloud.local.SourceAndTarget;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.verify.VerificationReport.ColumnDiff;
import io.paraverse.daemon.verify.VerificationReport.Finding;
import io.paraverse.daemon.verify.VerificationReport.Mismatch;
import io.paraverse.daemon.verify.VerificationReport.TableReport;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.TranslatorChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Verification of a translated schema whose clone a real pipeline (capture, journal, applier with persistent id maps)
 * keeps up to date: clean when it is, every kind of difference named when it is not, and no false difference while
 * writers change production and the applier lags behind.
 */
class VerifierPipelineTest {
    @TempDir
    Path work;

    private static final TranslatorChain TRANSLATOR = TranslatorChain.of(List.of(new ClientSplitTranslator()), List.of());

    private static Endpoint endpoint(io.paraverse.cloud.local.MariaDbServer s) {
        return new Endpoint(s.host(), s.port(), s.user(), s.password());
    }

    /** Production's old schema, the clone's new one, and a pipeline translating from now on. */
    private Pipeline prepare(SourceAndTarget servers) {
        servers.source().execute("CREATE DATABASE vshop",
                "CREATE TABLE vshop.customer (id INT PRIMARY KEY, name VARCHAR(80) NOT NULL, email VARCHAR(120), city VARCHAR(60))",
                "CREATE TABLE vshop.note (id INT PRIMARY KEY, body VARCHAR(200), at DATETIME(6))");
        servers.target().execute("CREATE DATABASE vshop",
                "CREATE TABLE vshop.client (client_id BIGINT PRIMARY KEY, legacy_id INT NOT NULL UNIQUE, full_name VARCHAR(80) NOT NULL,"
                        + " email VARCHAR(120))",
                "CREATE TABLE vshop.address (client_id BIGINT PRIMARY KEY, city VARCHAR(60) NOT NULL)",
                "CREATE TABLE vshop.note (id INT PRIMARY KEY, body VARCHAR(200), at DATETIME(6))"); // identity
        return Pipeline.start(PipelineConfig.builder().name("vshop").source(endpoint(servers.source())).target(endpoint(servers.target()))
                .journalDir(work.resolve("journal")).include(List.of("vshop.*")).startGtid(servers.source().gtidBinlogPos())
                .translator(TRANSLATOR).build());
    }

    private static ApplyProgress progressOf(Pipeline p) {
        return (position, timeout) -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!p.hasApplied(position)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(50);
            }
            return true;
        };
    }

    private static Verifier verifier(SourceAndTarget servers, Pipeline p, VerifyOptions o) {
        return new Verifier(endpoint(servers.source()), endpoint(servers.target()), TRANSLATOR, TranslationContext.of(Map.of(), Map.of()),
                progressOf(p), o, line -> System.out.println("verify: " + line));
    }

    private static long clientId(SourceAndTarget servers, int legacyId) throws Exception {
        try (Connection c = servers.target().connect("vshop"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT client_id FROM client WHERE legacy_id = " + legacyId)) {
            assertTrue(rs.next(), "no client for customer " + legacyId);
            return rs.getLong(1);
        }
    }

    @Test
    void aTranslatedCloneIsCleanAndThenEachDifferenceIsNamed() throws Exception {
        try (SourceAndTarget servers = SourceAndTarget.start("vpipe"); Pipeline p = prepare(servers)) {
            servers.source().execute("INSERT INTO vshop.customer SELECT seq, CONCAT('Kund ', seq), CONCAT('k', seq, '@example.org'),"
                    + " ELT(1 + seq % 3, 'Malmö', 'Lund', NULL) FROM mysql.seq_1_to_300 ORDER BY seq DESC");
            p.awaitCaughtUp(servers.source().gtidBinlogPos(), Duration.ofMinutes(1));
            assertEquals(1, clientId(servers, 300), "the applier allocated new ids: they differ from production's");
            VerifyOptions o = VerifyOptions.defaults("vshop").chunkRows(64).recheck(2, Duration.ofSeconds(10));

            VerificationReport clean = verifier(servers, p, o).full(List.of("vshop.customer"));
            assertTrue(clean.clean(), ReportText.render(clean));
            TableReport t = clean.table("vshop.customer");
            assertEquals("client-split", t.translator());
            assertEquals(300, t.rowsCompared());
            assertEquals(300 + 200, t.targetRowsCompared(), "a client per customer, an address for the 200 with a city");

            long c10 = clientId(servers, 10);
            servers.target().execute("UPDATE vshop.client SET full_name = 'Changed' WHERE legacy_id = 7",
                    "DELETE FROM vshop.address WHERE client_id = " + clientId(servers, 9),             // 9 has a city: missing
                    "INSERT INTO vshop.address VALUES (" + clientId(servers, 8) + ", 'Ystad')",         // 8 has none: extra
                    "INSERT INTO vshop.address VALUES (99999, 'Nowhere')",                              // no client at all: extra
                    "DELETE FROM paraverse.id_map WHERE pipeline = 'vshop' AND source_key = 'c:10'");   // 10 looks unapplied
            VerificationReport r = verifier(servers, p, o).full(List.of("vshop.customer"));
            System.out.println(ReportText.render(r));
            t = r.table("vshop.customer");
            assertEquals(1, t.mismatchCount());
            Mismatch m = t.mismatches().get(0);
            assertEquals(Map.of("id", "7"), m.sourceKey());
            assertEquals("vshop.client", m.targetTable());
            assertEquals(Map.of("client_id", String.valueOf(clientId(servers, 7))), m.targetKey());
            assertEquals(List.of(new ColumnDiff("full_name", "Kund 7", "Changed")), m.columns());

            assertEquals(1, t.missingCount());
            assertEquals(Map.of("id", "9"), t.missing().get(0).sourceKey());
            assertEquals("vshop.address", t.missing().get(0).targetTable());

            assertEquals(1, t.notAppliedCount());
            assertEquals(Map.of("id", "10"), t.notApplied().get(0).sourceKey());
            assertTrue(t.notApplied().get(0).detail().contains("allocate"), t.notApplied().get(0).detail());

            List<String> extra = t.extra().stream().map(f -> f.targetTable() + f.targetKey()).sorted().toList();
            assertEquals(java.util.stream.Stream.of("vshop.address{client_id=" + clientId(servers, 8) + "}", "vshop.address{client_id=" + c10 + "}",
                    "vshop.address{client_id=99999}", "vshop.client{client_id=" + c10 + "}").sorted().toList(), extra,
                    "8's address per key; 99999 and the rows of 10 (whose id the verifier cannot know) by the scan");
            Finding bySource = t.extra().stream().filter(f -> f.sourceKey() != null).findFirst().orElseThrow();
            assertEquals(Map.of("id", "8"), bySource.sourceKey());
            assertFalse(r.clean());
            assertTrue(r.hasDifferences());
            assertNull(p.failure(), "the pipeline kept running");
        }
    }

    @Test
    void fullVerificationWhileWritersChangeProductionAndTheApplierLagsFindsNoFalseDifference() throws Exception {
        try (SourceAndTarget servers = SourceAndTarget.start("vlive"); Pipeline p = prepare(servers)) {
            servers.source().execute("INSERT INTO vshop.customer SELECT seq, CONCAT('Kund ', seq), NULL,"
                    + " ELT(1 + seq % 3, 'Malmö', 'Lund', NULL) FROM mysql.seq_1_to_3000",
                    "INSERT INTO vshop.note SELECT seq, CONCAT('note ', seq), '2024-01-01' + INTERVAL seq SECOND FROM mysql.seq_1_to_2000");
            p.awaitCaughtUp(servers.source().gtidBinlogPos(), Duration.ofMinutes(1));

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> writerError = new AtomicReference<>();
            AtomicLong changes = new AtomicLong();
            Thread writer = new Thread(() -> {
                Random rnd = new Random(3);
                try (Connection c = servers.source().connect("vshop"); Statement st = c.createStatement()) {
                    int next = 1_000_000;
                    while (writing.get()) {
                        int id = 1 + rnd.nextInt(3000);
                        switch (rnd.nextInt(7)) {
                            case 4 -> st.executeUpdate("INSERT INTO note VALUES (" + (next++) + ", 'new', NOW(6))");
                            case 5 -> st.executeUpdate("UPDATE note SET body = CONCAT(body, '!'), at = NOW(6) WHERE id = " + id);
                            case 6 -> st.executeUpdate("DELETE FROM note WHERE id = " + id);
                            case 0 -> st.executeUpdate("INSERT INTO customer VALUES (" + (next++) + ", 'neu', NULL, 'Ystad')");
                            case 1 -> st.executeUpdate("UPDATE customer SET city = " + (rnd.nextBoolean() ? "NULL" : "'Visby'") + " WHERE id = " + id);
                            case 2 -> st.executeUpdate("UPDATE customer SET name = CONCAT(name, '+'), email = 'e' WHERE id = " + id);
                            default -> st.executeUpdate("DELETE FROM customer WHERE id = " + id);
                        }
                        changes.incrementAndGet();
                        Thread.sleep(2);
                    }
                } catch (Throwable e) {
                    writerError.set(e);
                }
            }, "vshop-writer");
            writer.start();
            // the applier falls behind for a while: the first chunks certainly differ, and must settle on re-check
            p.pauseApply();
            Thread resume = new Thread(() -> {
                try {
                    Thread.sleep(1_500);
                    p.resumeApply(TRANSLATOR, Map.of());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            resume.start();
            VerificationReport r;
            try {
                r = verifier(servers, p, VerifyOptions.defaults("vshop").chunkRows(200).rowsPerSecond(50_000)
                        .recheck(5, Duration.ofSeconds(30))).full(List.of("vshop.customer", "vshop.note"));
            } finally {
                writing.set(false);
                writer.join();
                resume.join();
            }
            assertNull(writerError.get(), () -> "writer failed: " + writerError.get());
            System.out.println(ReportText.render(r));
            TableReport t = r.table("vshop.customer");
            assertTrue(changes.get() > 100, "production changed during the verification: " + changes.get());
            assertTrue(t.chunksDiffering() > 0, "chunks differed while the applier was behind");
            assertTrue(t.rechecked() > 0, "differing keys were re-checked");
            assertEquals(0, t.mismatchCount() + t.missingCount() + t.extraCount() + t.notAppliedCount() + t.failedCount(),
                    ReportText.render(r));
            assertTrue(t.unsettledCount() <= 5, "keys that moved in every re-check: " + t.unsettledCount());
            TableReport notes = r.table("vshop.note");
            assertEquals("identity", notes.translator());
            assertTrue(notes.rowsCompared() > 1_900, ReportText.render(r));
            assertEquals(0, notes.mismatchCount() + notes.missingCount() + notes.extraCount(), ReportText.render(r));
            assertTrue(notes.unsettledCount() <= 5, "keys that moved in every re-check: " + notes.unsettledCount());

            p.awaitCaughtUp(servers.source().gtidBinlogPos(), Duration.ofMinutes(1));
            VerificationReport still = verifier(servers, p, VerifyOptions.defaults("vshop").chunkRows(500).rowsPerSecond(50_000))
                    .full(List.of("vshop.customer", "vshop.note"));
            assertTrue(still.clean(), ReportText.render(still));
        }
    }
}
