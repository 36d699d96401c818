package io.paraverse.capture.debezium;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure logic of resuming (GTID coverage, offset checkpoints) and of the accepted connector settings. */
class ResumeAndSettingsTest {

    @Test
    void gtidCoverageIsPerDomain() {
        GtidPosition p = GtidPosition.parse("0-1-10,5-2-3");
        assertTrue(p.covers("0-1-10"));
        assertTrue(p.covers("0-9-4")); // another server id, same domain: sequence numbers are domain-wide
        assertFalse(p.covers("0-1-11"));
        assertFalse(p.covers("1-1-1")); // unknown domain
        assertTrue(p.coversAll(GtidPosition.parse("0-1-9,5-2-3")));
        assertFalse(p.coversAll(GtidPosition.parse("0-1-9,7-1-1")));
        p.advance("0-1-12");
        assertEquals("0-1-12,5-2-3", p.render());
        assertThrows(IllegalArgumentException.class, () -> GtidPosition.parse("0-1"));
    }

    @Test
    void resumePicksTheNewestCheckpointAtOrBeforeThePosition(@TempDir Path dir) {
        TopicPartition a = new TopicPartition("dbz.shop.t", 0);
        TopicOffsets offsets = new TopicOffsets(dir);
        offsets.record("0-1-5", Map.of(a, 10L));
        offsets.record("0-1-8", Map.of(a, 20L));
        offsets.record("0-1-12", Map.of(a, 30L));
        TopicOffsets reloaded = new TopicOffsets(dir);
        reloaded.load();
        assertEquals(20L, reloaded.checkpointFor("0-1-9").offsets().get(a)); // the journal lags our newest checkpoint
        assertEquals(30L, reloaded.checkpointFor("0-1-12").offsets().get(a));
        assertNull(reloaded.checkpointFor("0-1-4")); // older than all: the topics' beginning
        assertNull(reloaded.checkpointFor(null));
        for (int i = 0; i < TopicOffsets.KEEP + 10; i++) {
            reloaded.record("0-1-" + (100 + i), Map.of(a, 100L + i));
        }
        TopicOffsets bounded = new TopicOffsets(dir);
        bounded.load();
        assertNull(bounded.checkpointFor("0-1-12")); // history is bounded
        assertEquals(100L + TopicOffsets.KEEP + 9, bounded.checkpointFor("0-1-999").offsets().get(a));
    }

    @Test
    void lossyConnectorSettingsAreRefusedWithTheReason() {
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> ConnectorSettings.from(Map.of("decimal.handling.mode", "double")));
        assertTrue(d.getMessage().contains("decimal.handling.mode=double") && d.getMessage().contains("precise"),
                d.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> ConnectorSettings.from(Map.of("time.precision.mode", "isostring")));
        assertTrue(t.getMessage().contains("null for TIME"), t.getMessage());
        assertEquals("hex", ConnectorSettings.from(Map.of("binary.handling.mode", "HEX")).binaryHandling());
    }
}
