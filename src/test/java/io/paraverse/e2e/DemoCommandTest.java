package io.paraverse.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.daemon.Main;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** The README's first command, run in-process: it must stream a workload across and prove equality. */
class DemoCommandTest {
    static {
        // logging starts before stdout is captured: whatever it reports about itself must not land in the JSON
        org.slf4j.LoggerFactory.getLogger(DemoCommandTest.class);
    }
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path work;


    @Test
    void demoStreamsTheWorkloadAndReportsVerifiedJson() throws Exception {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = Main.commandLine().execute("demo", "--example", "replication", "--seconds", "4", "--writers", "2", "--json");
        } finally {
            System.setOut(oldOut);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        JsonNode summary = new ObjectMapper().readTree(out);
        assertTrue(summary.get("verified").asBoolean(), out);
        assertTrue(summary.get("rowChangesApplied").asLong() > 100, out);
        assertEquals(3, summary.get("tables").size(), out);
        for (JsonNode t : summary.get("tables")) {
            assertTrue(t.get("equal").asBoolean(), out);
            assertTrue(t.get("sourceRows").asLong() > 0, out);
        }
    }

    /** The default demo is the product's main job: migration, upgrade, catch-up and cutover under a live application. */
    @Test
    void theDefaultDemoUpgradesAndCutsOverWithoutAFailedTransaction() throws Exception {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = Main.commandLine().execute("demo", "--seconds", "3", "--writers", "2", "--json");
        } finally {
            System.setOut(oldOut);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        assertTrue(out.startsWith("{"), "stdout holds only the JSON summary: " + out.substring(0, Math.min(400, out.length())));
        JsonNode summary = new ObjectMapper().readTree(out);
        assertTrue(summary.get("verified").asBoolean(), out);
        assertEquals("CUT_OVER", summary.get("cutover").asText(), out);
        assertEquals(0, summary.get("clientTransactionsFailed").asLong(), out);
        assertEquals(0, summary.get("ordersMissing").asLong(), out);
        assertTrue(summary.get("cloneEqualsProductionTranslated").asBoolean(), out);
        assertTrue(summary.get("clientTransactionsCommitted").asLong() > 50, out);
    }

    @Test
    void mediawikiDemoUpgradesALiveWikiAndProvesTheCloneEqual() throws Exception {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = Main.commandLine().execute("demo", "--example", "mediawiki", "--seconds", "3", "--writers", "2", "--json");
        } finally {
            System.setOut(oldOut);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        assertTrue(out.contains("\"verified\" : true") && out.contains("\"example\" : \"mediawiki\""), out);
        assertTrue(out.matches("(?s).*\"rowChangesApplied\" : [1-9].*"), "changes were translated during the demo: " + out);
    }

    @Test
    void anUnknownExampleIsBadUsage() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.commandLine().execute("demo", "--example", "wordpress");
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown example 'wordpress'"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badUsageExitsTwoAndNamesTheOption() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.commandLine().execute("demo", "--seconds", "soon");
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--seconds"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailingCommandSaysWhatIsWrongInOneLineWithoutSecretsAndExitsOne() throws Exception {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            // nothing listens on port 9 of loopback: the source preflight must fail clearly
            exit = Main.commandLine().execute("replicate", "--name", "x", "--source", "127.0.0.1:9", "--source-user", "u",
                    "--source-password-env", "PATH", "--target", "127.0.0.1:9", "--target-user", "u",
                    "--journal", work.resolve("journal").toString());
        } finally {
            System.setErr(oldErr);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, text);
        assertTrue(text.contains("paraverse replicate: "), text);
        assertTrue(text.contains("127.0.0.1:9"), text);
        assertFalse(text.contains(System.getenv("PATH")), "the password (here: $PATH) leaked: " + text);
        assertFalse(text.contains("\tat "), "no stack trace by default: " + text);
    }
}
