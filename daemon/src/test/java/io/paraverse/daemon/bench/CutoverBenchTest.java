package io.paraverse.daemon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench cutover}: a two-cutover run whose data checks hold (every cutover cut over, no client transaction
 * failed, no committed row missing from the clone), and the two measurements it rests on: the client-seen window and
 * the count of missing rows, each shown to detect what it is meant to detect.
 */
class CutoverBenchTest {

    @Test
    void twoCutoversCutOverWithoutFailedTransactionsOrLostRows() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new CutoverBench()).execute("--cutovers", "2", "--rows", "500", "--clients", "4", "--json");
        } finally {
            System.setOut(stdout);
        }
        JsonNode f = new ObjectMapper().readTree(captured.toString(StandardCharsets.UTF_8));
        assertTrue(f.get("source_capacity_tx_per_s").asLong() > 0);
        assertEquals(2, f.get("cutovers").size());
        for (JsonNode c : f.get("cutovers")) {
            assertEquals("CUT_OVER", c.get("outcome").asText(), c.toString());
            assertTrue(c.get("committed").asLong() > 100, "the clients wrote through the proxy: " + c);
            assertEquals(0, c.get("failed").asLong(), c.toString());
            assertEquals(0, c.get("lost").asLong(), c.toString());
            assertTrue(c.get("daemon_window_ms").asLong() >= 0 && c.get("client_window_ms").asLong() > 0, c.toString());
            assertTrue(c.get("steps_ms").has("switch"), c.toString());
        }
        JsonNode s = f.get("summary");
        assertEquals(0, s.get("failed_transactions").asLong());
        assertEquals(0, s.get("lost_rows").asLong());
        assertEquals(2, s.get("cut_over").asLong());
        boolean timesMet = s.get("window_p50_ms").asLong() < 500 && s.get("window_max_ms").asLong() < 1000;
        assertEquals(timesMet, f.get("pass").asBoolean(), "pass follows the targets: " + s);
        assertEquals(timesMet ? 0 : 1, exit, "exit code follows the targets");
    }

    @Test
    void theClientWindowIsTheLongestStretchWithoutACommit() {
        long ms = 1_000_000L;
        long[] commits = {50 * ms, 0, 10 * ms, 20 * ms, 400 * ms, 410 * ms, 900 * ms};
        assertEquals(350, CutoverBench.longestGapMillis(commits, 5 * ms, 600 * ms), "50 -> 400 within the range");
        assertEquals(485, CutoverBench.longestGapMillis(commits, 405 * ms, 895 * ms), "no commit after 410: counts to the end");
        assertEquals(10, CutoverBench.longestGapMillis(new long[] {10 * ms, 20 * ms, 30 * ms}, 0, 30 * ms));
        assertEquals(30, CutoverBench.longestGapMillis(new long[] {100 * ms}, 0, 30 * ms), "no commit at all in the range");
    }

    @Test
    void lostCountsCommittedIdsMissingFromTheDatabase() throws Exception {
        try (MariaDbServer db = MariaDbServer.start(MariaDbOptions.target("bench-lost"))) {
            db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, customer INT NOT NULL, amount INT NOT NULL)",
                    "INSERT INTO shop.orders SELECT seq, 1, 1 FROM mysql.seq_1_to_5");
            try (Connection c = db.connect("")) {
                assertEquals(0, CutoverBench.lost(c, Set.of(1L, 3L, 5L)));
                assertEquals(2, CutoverBench.lost(c, Set.of(1L, 2L, 7L, 8L)));
            }
        }
    }
}
