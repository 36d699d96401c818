package io.paraverse.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.daemon.Main;
import io.paraverse.daemon.migration.state.MigrationState;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.migration.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

/** {@code paraverse migration show}: the persisted state as text and as JSON, for scripts on a stopped daemon. */
class MigrationShowTest {
    @TempDir
    Path dir;

    @Test
    void showsTheStateAsTextAndJson() throws Exception {
        Instant t0 = Instant.parse("2026-11-22T08:00:00Z");
        MigrationState s = MigrationState.begin("shop", t0).moveTo(Phase.CLONING, null, t0.plusSeconds(5))
                .moveTo(Phase.FAILED, "CLONING: source gone", t0.plusSeconds(9));
        new StateStore(dir).save(s);

        String text = run("migration", "show", "--data-dir", dir.toString(), "shop");
        assertTrue(text.startsWith("shop: FAILED (interrupted CLONING)"), text);
        assertTrue(text.contains("failure: CLONING: source gone"), text);

        JsonNode json = new ObjectMapper().readTree(run("migration", "show", "--data-dir", dir.toString(), "--json", "shop"));
        assertEquals("FAILED", json.path("phase").asText());
        assertEquals("CLONING", json.path("interrupted").asText());
        assertEquals(3, json.path("history").size());
        assertEquals("2026-11-22T08:00:09Z", json.path("updatedAt").asText());
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.commandLine().execute(args));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
