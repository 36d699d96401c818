package io.paraverse.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.Main;
import io.paraverse.daemon.migration.Migration;
import io.paraverse.daemon.migration.config.MigrationConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code paraverse verify} on a real migration (customer split into client + address by a declarative mapping): clean
 * once the clone is caught up, and a changed clone row named by table, key, column and both values, with the daemon's
 * clone running and after it stopped.
 */
class VerifyCommandTest {
    @TempDir
    Path work;

    private record Run(int exit, String out) { }

    private static Run verify(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 1];
            all[0] = "verify";
            System.arraycopy(args, 0, all, 1, args.length);
            exit = Main.commandLine().execute(all);
        } finally {
            System.setOut(old);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        return new Run(exit, out);
    }

    @Test
    void verifyIsCleanOnACaughtUpCloneAndNamesAChangedRowWithTheDaemonRunningOrStopped() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("vcmd-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 600, 200);
            Path data = work.resolve("data");
            String file = yaml.toString();
            try (Migration m = new Migration(MigrationConfigLoader.load(yaml), data, line -> { })) {
                shop.startWriter();
                assertTrue(m.runUntilReady(() -> true), "not READY: " + m.state());
                assertTrue(shop.stopWriter() > 10);
                assertNull(shop.awaitCloneEqualsProduction(data));

                Run clean = verify(file, "--data-dir", data.toString(), "--json");
                assertEquals(0, clean.exit(), clean.out());
                JsonNode report = new ObjectMapper().readTree(clean.out());
                assertEquals("FULL", report.path("mode").asText());
                JsonNode customer = report.path("tables").get(0);
                assertEquals("shop.customer", customer.path("table").asText());
                assertTrue(customer.path("rowsCompared").asLong() > 500, clean.out());

                var state = new ProvisionerStateStore(data.resolve(ShopSplitFixture.NAME).resolve("provisioner")).load(ShopSplitFixture.NAME).orElseThrow();
                try (Connection c = DriverManager.getConnection(state.jdbcUrl(), state.user(), state.credentialRef().resolve());
                     Statement st = c.createStatement()) {
                    assertEquals(1, st.executeUpdate("UPDATE shop.client SET full_name = 'Changed on the clone' WHERE client_id = 5"));
                }
                Run differs = verify(file, "--data-dir", data.toString(), "--json", "--rate", "2000");
                assertEquals(1, differs.exit(), differs.out());
                JsonNode t = new ObjectMapper().readTree(differs.out()).path("tables").get(0);
                assertEquals(1, t.path("mismatchCount").asInt(), differs.out());
                JsonNode mm = t.path("mismatches").get(0);
                assertEquals("5", mm.path("sourceKey").path("id").asText());
                assertEquals("shop.client", mm.path("targetTable").asText());
                assertEquals("full_name", mm.path("columns").get(0).path("column").asText());
                assertEquals("Changed on the clone", mm.path("columns").get(0).path("actual").asText());
                assertTrue(mm.path("columns").get(0).path("expected").asText().startsWith("Kund 5"), differs.out());
            }
            // the migration is closed: its local clone's server is down; verify starts it for the run
            Run stopped = verify(file, "--data-dir", data.toString(), "--mode", "sampled", "--sample", "1000");
            assertEquals(1, stopped.exit(), stopped.out());
            assertTrue(stopped.out().contains("MISMATCH  (id=5) -> shop.client (client_id=5)"), stopped.out());
            assertTrue(stopped.out().contains("full_name: production translated Kund 5"), stopped.out());

            Run missing = verify(file, "--data-dir", work.resolve("nowhere").toString());
            assertEquals(2, missing.exit());
        }
    }

    @Test
    void helpDocumentsTheCommandAndItsExitCodes() {
        Run help = verify("--help");
        assertEquals(0, help.exit());
        for (String s : new String[] {"--data-dir", "--mode", "--sample", "--rate", "--json", "0", "1", "2", "unsettled"}) {
            assertTrue(help.out().contains(s), s + " in\n" + help.out());
        }
    }
}
