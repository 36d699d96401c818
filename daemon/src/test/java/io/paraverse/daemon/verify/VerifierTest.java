package io.paraverse.daemon.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.cloud.local.SourceAndTarget;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.verify.VerificationReport.ColumnDiff;
import io.paraverse.daemon.verify.VerificationReport.Mismatch;
import io.paraverse.daemon.verify.VerificationReport.TableReport;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.Translator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The verifier against two real MariaDB servers, identity tables: each kind of difference is found and named. */
class VerifierTest {
    private static SourceAndTarget servers;

    @BeforeAll
    static void start() {
        servers = SourceAndTarget.start("verify");
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    static Endpoint endpoint(MariaDbServer s) {
        return new Endpoint(s.host(), s.port(), s.user(), s.password());
    }

    /** Nothing replicates in these tests: whatever the source wrote is as applied as it will ever be. */
    private static final ApplyProgress NOTHING_TO_APPLY = (position, timeout) -> true;

    private static Verifier verifier(Translator t, VerifyOptions options) {
        return new Verifier(endpoint(servers.source()), endpoint(servers.target()), t, TranslationContext.of(Map.of(), Map.of()),
                NOTHING_TO_APPLY, options, line -> { });
    }

    private static VerifyOptions options() {
        return VerifyOptions.defaults("verify-test").rowsPerSecond(1_000_000).chunkRows(100).recheck(2, Duration.ofSeconds(5)).seed(42);
    }

    /** The same table and rows on both servers: odd ids 1..2*rows-1, every column type family. */
    private static void sameOnBoth(String db, int rows) {
        for (MariaDbServer s : List.of(servers.source(), servers.target())) {
            s.execute("CREATE DATABASE " + db,
                    "CREATE TABLE " + db + ".item (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL, price DECIMAL(10,2), data VARBINARY(40),"
                            + " made DATETIME(3), ratio DOUBLE, note TEXT)",
                    "INSERT INTO " + db + ".item SELECT 2*seq-1, CONCAT('item ', seq), seq / 4, UNHEX(SHA1(seq)),"
                            + " '2024-02-29 13:45:00.125' + INTERVAL seq MINUTE, seq / 3, IF(seq % 5 = 0, NULL, REPEAT('x', seq % 300))"
                            + " FROM mysql.seq_1_to_" + rows,
                    "CREATE TABLE " + db + ".pair (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b))",
                    "INSERT INTO " + db + ".pair SELECT seq % 7, CONCAT('b', seq), seq FROM mysql.seq_1_to_" + rows);
        }
    }

    @Test
    void equalIdentityTablesAreCleanAndEachDifferenceIsNamedWithKeyColumnAndValues() throws Exception {
        sameOnBoth("ident", 1_000);
        VerificationReport clean = verifier(new IdentityTranslator(), options()).full(List.of("ident.item", "ident.pair"));
        assertTrue(clean.clean(), ReportText.render(clean));
        assertEquals(1_000, clean.table("ident.item").rowsCompared());
        assertEquals(1_000, clean.table("ident.pair").rowsCompared());
        assertEquals(11, clean.table("ident.item").chunks(), "1,000 rows in chunks of 100, and the range after the last key");

        servers.target().execute("UPDATE ident.item SET name = 'renamed' WHERE id = 17",
                "DELETE FROM ident.item WHERE id = 33",
                "INSERT INTO ident.item (id, name) VALUES (500, 'between two production rows'), (5000, 'after the last')",
                "UPDATE ident.item SET data = UNHEX('00FF'), note = REPEAT('y', 500) WHERE id = 99",
                "UPDATE ident.pair SET v = -1 WHERE a = 3 AND b = 'b10'");
        VerificationReport r = verifier(new IdentityTranslator(), options()).full(List.of("ident.item", "ident.pair"));
        assertFalse(r.clean());
        TableReport item = r.table("ident.item");
        assertEquals(2, item.mismatchCount(), ReportText.render(r));
        Mismatch m17 = item.mismatches().stream().filter(m -> m.sourceKey().equals(Map.of("id", "17"))).findFirst().orElseThrow();
        assertEquals("ident.item", m17.targetTable());
        assertEquals(List.of(new ColumnDiff("name", "item 9", "renamed")), m17.columns());
        Mismatch m99 = item.mismatches().stream().filter(m -> m.sourceKey().equals(Map.of("id", "99"))).findFirst().orElseThrow();
        assertEquals(List.of("data", "note"), m99.columns().stream().map(ColumnDiff::column).toList());
        assertEquals("0x00ff", m99.columns().get(0).actual(), "binary shown as hex");
        assertTrue(m99.columns().get(1).actual().endsWith("...(500 chars)"), "long values are cut: " + m99.columns().get(1).actual());
        assertEquals(1, item.missingCount());
        assertEquals(Map.of("id", "33"), item.missing().get(0).targetKey());
        assertEquals(2, item.extraCount());
        assertEquals(List.of(Map.of("id", "500"), Map.of("id", "5000")), item.extra().stream().map(f -> f.targetKey()).toList());
        TableReport pair = r.table("ident.pair");
        assertEquals(1, pair.mismatchCount());
        assertEquals(Map.of("a", "3", "b", "b10"), pair.mismatches().get(0).sourceKey());
        assertEquals(List.of(new ColumnDiff("v", "10", "-1")), pair.mismatches().get(0).columns());

        String text = ReportText.render(r);
        assertTrue(text.contains("MISMATCH  (id=17) -> ident.item (id=17)"), text);
        assertTrue(text.contains("name: production translated item 9, clone renamed"), text);
        String json = new ObjectMapper().writeValueAsString(r);
        assertTrue(json.contains("\"column\":\"name\",\"expected\":\"item 9\",\"actual\":\"renamed\""), json);
        assertEquals(2, new ObjectMapper().readTree(json).path("tables").get(0).path("extraCount").asInt());
    }

    @Test
    void sampledFindsAnInjectedMismatchWhenSamplingAllKeysAndSamplesAtRandomOtherwise() throws Exception {
        sameOnBoth("smp", 300);
        servers.target().execute("UPDATE smp.item SET price = 0.01 WHERE id = 201");
        VerificationReport all = verifier(new IdentityTranslator(), options()).sampled(List.of("smp.item"), 300);
        assertEquals(300, all.table("smp.item").rowsCompared());
        assertEquals(1, all.table("smp.item").mismatchCount(), ReportText.render(all));
        assertEquals(List.of(new ColumnDiff("price", "25.25", "0.01")), all.table("smp.item").mismatches().get(0).columns());

        VerificationReport some = verifier(new IdentityTranslator(), options()).sampled(List.of("smp.item"), 40);
        assertEquals(40, some.table("smp.item").rowsCompared(), "40 distinct random rows");
        assertTrue(some.table("smp.item").mismatchCount() <= 1);
    }

    @Test
    void keysModeComparesTheGivenKeysOnly() throws Exception {
        sameOnBoth("kset", 200);
        servers.target().execute("UPDATE kset.item SET name = 'x' WHERE id IN (1, 3)", "INSERT INTO kset.item (id, name) VALUES (1000, 'gone')");
        servers.source().execute("DELETE FROM kset.item WHERE id = 5"); // deleted on production, still on the clone
        VerificationReport r = verifier(new IdentityTranslator(), options())
                .keys(Map.of("kset.item", List.of(List.of(3L), List.of(5L), List.of(7L), List.of(1000L))));
        TableReport t = r.table("kset.item");
        assertEquals(1, t.mismatchCount(), ReportText.render(r)); // id 1 differs too, but was not asked for
        assertEquals(Map.of("id", "3"), t.mismatches().get(0).sourceKey());
        assertEquals(List.of(Map.of("id", "5"), Map.of("id", "1000")), t.extra().stream().map(f -> f.targetKey()).toList());
        assertEquals(2, t.rowsCompared(), "3 and 7 exist on production");
    }

    @Test
    void theRateLimitBoundsProductionRowsPerSecond() throws Exception {
        sameOnBoth("rate", 2_000);
        long t0 = System.nanoTime();
        VerificationReport r = verifier(new IdentityTranslator(), options().rowsPerSecond(1_000).chunkRows(500)).full(List.of("rate.item"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(r.clean(), ReportText.render(r));
        assertTrue(r.sourceRowsRead() >= 2_000);
        assertTrue(seconds >= 2_000 / 1_000.0 * 0.8, "2,000 rows at 1,000 rows/s took only " + seconds + " s");
        assertTrue(seconds < 10, "took " + seconds + " s");
    }

    @Test
    void aTargetRowThatKeepsDifferingOnlyWhileTheApplierIsBehindIsUnsettledNotAMismatch() throws Exception {
        sameOnBoth("late", 50);
        servers.target().execute("UPDATE late.item SET name = 'old' WHERE id = 9");
        Verifier v = new Verifier(endpoint(servers.source()), endpoint(servers.target()), new IdentityTranslator(),
                TranslationContext.of(Map.of(), Map.of()), (position, timeout) -> false, options(), line -> { });
        VerificationReport r = v.full(List.of("late.item"));
        TableReport t = r.table("late.item");
        assertEquals(0, t.mismatchCount());
        assertEquals(1, t.unsettledCount(), ReportText.render(r));
        assertTrue(t.unsettled().get(0).detail().contains("did not apply up to production's position"), t.unsettled().get(0).detail());
        assertFalse(r.clean(), "unsettled is not proven equal");
        assertFalse(r.hasDifferences());
    }
}
