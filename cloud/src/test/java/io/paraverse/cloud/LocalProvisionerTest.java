package io.paraverse.cloud;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.*;

class LocalProvisionerTest {

    @TempDir
    Path stateDir;

    @Test
    void restartsOnThePersistedDatadirWithItsDataAfterANewProvisionerInstance() throws Exception {
        ProvisionedServer first;
        Path datadir;
        try (LocalProvisioner p1 = new LocalProvisioner(stateDir)) {
            first = p1.provision("m1");
            assertEquals("local", first.kind());
            assertNotEquals(3306, first.port());
            datadir = Path.of(first.details().get("datadir"));
            assertTrue(Files.isDirectory(datadir), datadir.toString());
            try (Connection c = first.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE d");
                st.execute("CREATE TABLE d.t (id INT PRIMARY KEY)");
                st.execute("INSERT INTO d.t VALUES (7)");
                assertEquals(scalar(st, "SELECT VERSION()"), first.details().get("version"));
            }
            assertSame(first, p1.provision("m1"), "a running server is returned, not started again");
            assertEquals(first, p1.find("m1").orElseThrow());

            String state = Files.readString(p1.stateStore().stateFile("m1"));
            assertFalse(state.contains(first.password()), "state file holds the password:\n" + state);
            assertTrue(state.contains("\"version\" : 1"), state);
            Path secret = p1.stateStore().secretFile("m1");
            assertEquals(first.password(), Files.readString(secret));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
            assertFalse(first.toString().contains(first.password()), first.toString());
        } // close(): stop, keep datadir and state
        assertTrue(Files.isDirectory(datadir));
        assertThrows(SQLException.class, () -> DriverManager.getConnection(first.jdbcUrl() + "?connectTimeout=1000",
                first.user(), first.password()).close(), "server still up after close");

        LocalProvisioner p2 = new LocalProvisioner(stateDir);
        try {
            assertTrue(p2.find("m1").isEmpty(), "nothing runs yet in the new instance");
            ProvisionedServer again = p2.provision("m1");
            assertEquals(datadir.toString(), again.details().get("datadir"));
            assertEquals(first.password(), again.password());
            try (Connection c = again.connect(); Statement st = c.createStatement()) {
                assertEquals("7", scalar(st, "SELECT id FROM d.t"));
            }
            p2.teardown("m1");
            assertFalse(Files.exists(datadir.getParent()), "server directory left after teardown");
            assertFalse(Files.exists(p2.stateStore().stateFile("m1")));
            assertFalse(Files.exists(p2.stateStore().secretFile("m1")));
            assertTrue(p2.find("m1").isEmpty());
            assertThrows(SQLException.class, () -> DriverManager.getConnection(again.jdbcUrl() + "?connectTimeout=1000",
                    again.user(), again.password()).close(), "server still up after teardown");
        } finally {
            p2.close();
        }
    }

    @Test
    void keepOnTeardownKeepsTheDatadirAndAppliesMemorySettings() throws Exception {
        Path base = stateDir.resolve("servers");
        LocalProvisioner.Settings settings = new LocalProvisioner.Settings()
                .datadirBase(base).bufferPoolSize("64M").keepOnTeardown(true);
        try (LocalProvisioner p = new LocalProvisioner(stateDir.resolve("state"), settings)) {
            ProvisionedServer s = p.provision("kept");
            Path dir = Path.of(s.details().get("directory"));
            assertEquals(base.resolve("kept").toAbsolutePath(), dir);
            try (Connection c = s.connect(); Statement st = c.createStatement()) {
                assertEquals(String.valueOf(64L << 20), scalar(st, "SELECT @@innodb_buffer_pool_size"));
            }
            p.teardown("kept");
            assertTrue(Files.isDirectory(dir.resolve("data")), "datadir deleted despite keepOnTeardown");
            assertEquals(s.password(), Files.readString(dir.resolve("root-password")));
            assertFalse(Files.exists(p.stateStore().stateFile("kept")));

            ProvisioningException e = assertThrows(ProvisioningException.class, () -> p.provision("kept"));
            assertTrue(e.getMessage().contains("already holds a datadir"), e.getMessage());
        }
    }

    @Test
    void aBinaryDirWithoutMariaDbIsNamedInTheError() {
        LocalProvisioner p = new LocalProvisioner(stateDir, new LocalProvisioner.Settings().binDir(Path.of("/nonexistent-bin")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.provision("nobin"));
        assertTrue(e.getMessage().contains("/nonexistent-bin"), e.getMessage());
    }

    @Test
    void refusesAMigrationIdOfAnotherKind() {
        ProvisionerStateStore store = new ProvisionerStateStore(stateDir);
        store.save(new ProvisionerState("x1", "existing", "db.example", 3306, "paraverse", "jdbc:mariadb://db.example:3306/",
                CredentialRef.env("DB_PW"), java.util.Map.of()));
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> new LocalProvisioner(stateDir).provision("x1"));
        assertTrue(e.getMessage().contains("'existing'"), e.getMessage());
    }

    @Test
    void migrationIdsMustBeSafeFileNames() {
        LocalProvisioner p = new LocalProvisioner(stateDir);
        assertThrows(IllegalArgumentException.class, () -> p.provision("../etc"));
        assertThrows(IllegalArgumentException.class, () -> p.provision(""));
    }

    private static String scalar(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
