package io.paraverse.cloud;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ProvisionerStateStoreTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsAndReplacesAtomically() throws Exception {
        ProvisionerStateStore store = new ProvisionerStateStore(dir);
        ProvisionerState s = new ProvisionerState("m1", "existing", "db.example", 3306, "paraverse",
                "jdbc:mariadb://db.example:3306/", CredentialRef.parse("env:DB_PW"), Map.of("version", "11.4.2-MariaDB"));
        store.save(s);
        assertEquals(s, store.load("m1").orElseThrow());
        ProvisionerState moved = s.withAddress("db.example", 3307, "jdbc:mariadb://db.example:3307/", Map.of());
        store.save(moved);
        assertEquals(moved, store.load("m1").orElseThrow());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "temp files left behind");
        }
        assertTrue(Files.readString(store.stateFile("m1")).contains("\"version\" : 1"));
        store.delete("m1");
        assertTrue(store.load("m1").isEmpty());
    }

    @Test
    void refusesAnUnknownVersion() throws Exception {
        ProvisionerStateStore store = new ProvisionerStateStore(dir);
        Files.writeString(store.stateFile("m1"), "{\"version\": 2, \"migrationId\": \"m1\", \"kind\": \"local\"}");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.load("m1"));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }
}
