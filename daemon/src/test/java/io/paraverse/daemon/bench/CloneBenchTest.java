package io.paraverse.daemon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny run of {@code bench clone --json}: both copies equal to the source, figures present and positive. */
class CloneBenchTest {

    @Test
    void smallRunPrintsJsonWithEqualCopiesAndAPositiveRatio() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new CloneBench()).execute("--rows", "2000", "--tables", "2", "--readers", "2", "--writers", "2",
                    "--chunk-rows", "500", "--json");
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, exit);
        JsonNode f = new ObjectMapper().readTree(captured.toString(StandardCharsets.UTF_8));
        assertEquals(4000, f.get("rows").asLong());
        assertTrue(f.get("equal").asBoolean());
        assertTrue(f.get("dump_load_equal").asBoolean());
        assertTrue(f.get("paraverse_equal").asBoolean());
        assertTrue(f.get("ratio").asDouble() > 0, "ratio");
        assertTrue(f.get("paraverse_rows_per_s").asLong() > 0);
        assertTrue(f.get("dump_load_rows_per_s").asLong() > 0);
        assertTrue(f.get("paraverse_seconds").asDouble() > 0);
        assertTrue(f.get("dump_load_mb_per_s").asDouble() > 0);
    }
}
