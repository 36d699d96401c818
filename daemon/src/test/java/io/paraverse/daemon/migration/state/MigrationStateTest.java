package io.paraverse.daemon.migration.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

class MigrationStateTest {
    private static final Instant T0 = Instant.parse("2026-11-22T06:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theNormalFlowReadsAsTheListOfPhases() {
        MigrationState s = MigrationState.begin("wiki", T0);
        for (Phase p : new Phase[] {Phase.CLONING, Phase.UPGRADING, Phase.CATCHING_UP, Phase.READY}) {
            s = s.moveTo(p, null, T0.plusSeconds(p.ordinal()));
        }
        assertEquals(Phase.READY, s.phase());
        assertEquals(1, s.upgradeAttempts());
        assertEquals(5, s.history().size());
        assertEquals(T0.plusSeconds(Phase.READY.ordinal()), s.phaseSince());
        // lag grew back
        assertEquals(Phase.CATCHING_UP, s.moveTo(Phase.CATCHING_UP, "lag 42 s", T0).phase());
    }

    @Test
    void pauseAndFailureRememberWhereToReturn() {
        MigrationState s = MigrationState.begin("wiki", T0).moveTo(Phase.CLONING, null, T0).moveTo(Phase.UPGRADING, null, T0);
        MigrationState failed = s.moveTo(Phase.FAILED, "upgrade.sql:42: Table 'x' doesn't exist", T0);
        assertEquals(Phase.UPGRADING, failed.interrupted());
        assertEquals("upgrade.sql:42: Table 'x' doesn't exist", failed.failure());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> failed.moveTo(Phase.CATCHING_UP, null, T0));
        assertTrue(e.getMessage().contains("FAILED (interrupted UPGRADING)") && e.getMessage().contains("allowed: [CLONING, UPGRADING, ABORTED]"),
                e.getMessage());
        MigrationState retried = failed.moveTo(Phase.UPGRADING, "retry on a fresh clone", T0);
        assertEquals(2, retried.upgradeAttempts());
        assertNull(retried.failure());
        MigrationState paused = retried.moveTo(Phase.PAUSED, "operator", T0).moveTo(Phase.UPGRADING, "resume", T0);
        assertEquals(2, paused.upgradeAttempts(), "resuming a pause is not a new attempt");
        assertThrows(NullPointerException.class, () -> s.moveTo(Phase.FAILED, null, T0), "a failure needs its reason");
    }

    @Test
    void finalPhasesAllowNothingAndSkippingAPhaseIsRefused() {
        MigrationState s = MigrationState.begin("wiki", T0);
        IllegalStateException skip = assertThrows(IllegalStateException.class, () -> s.moveTo(Phase.UPGRADING, null, T0));
        assertTrue(skip.getMessage().contains("PROVISIONING") && skip.getMessage().contains("cannot move to UPGRADING"), skip.getMessage());
        MigrationState aborted = s.moveTo(Phase.ABORTED, "operator", T0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> aborted.moveTo(Phase.CLONING, null, T0));
        assertTrue(e.getMessage().contains("it is final"), e.getMessage());
    }

    @Test
    void storeRoundTripsAndReplacesAtomically() throws Exception {
        StateStore store = new StateStore(dir);
        assertTrue(store.load("wiki").isEmpty());
        MigrationState s = MigrationState.begin("wiki", T0).moveTo(Phase.CLONING, null, T0.plusSeconds(5)).withClonePoint("0-1-99", T0);
        store.save(s);
        assertEquals(s, store.load("wiki").orElseThrow());
        MigrationState next = s.moveTo(Phase.UPGRADING, null, T0.plusSeconds(9));
        store.save(next);
        assertEquals(next, store.load("wiki").orElseThrow());
        assertFalse(Files.exists(store.file("wiki").resolveSibling("state.json.tmp")), "no temporary file left behind");
        String text = Files.readString(store.file("wiki"));
        assertTrue(text.contains("\"version\" : 1") && text.contains("\"phase\" : \"UPGRADING\""), text);
    }

    @Test
    void aStateOfAnotherFormatVersionIsRefusedByName() throws Exception {
        StateStore store = new StateStore(dir);
        store.save(MigrationState.begin("wiki", T0));
        Path f = store.file("wiki");
        Files.writeString(f, Files.readString(f).replace("\"version\" : 1", "\"version\" : 7"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.load("wiki"));
        assertTrue(e.getMessage().contains("version 7") && e.getMessage().contains("STATE.md"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.file("../etc"));
    }
}
