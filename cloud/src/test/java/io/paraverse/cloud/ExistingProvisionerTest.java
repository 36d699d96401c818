package io.paraverse.cloud;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ExistingProvisionerTest {
    private static MariaDbServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() {
        server = MariaDbServer.start(MariaDbOptions.target("existing"));
        server.execute("CREATE DATABASE shop", "CREATE TABLE shop.a (id INT PRIMARY KEY)",
                "CREATE TABLE shop.b (id INT PRIMARY KEY)", "INSERT INTO shop.a VALUES (1)");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private CredentialRef passwordFile() throws Exception {
        Path f = tmp.resolve("pw");
        Files.writeString(f, "  " + server.password() + "\n"); // surrounding whitespace is stripped
        return CredentialRef.parse("file:" + f);
    }

    private String url() {
        return "jdbc:mysql://127.0.0.1:" + server.port() + "/";
    }

    @Test
    void refusesATargetWithTablesNamingTheSchema() throws Exception {
        ExistingProvisioner p = new ExistingProvisioner(tmp.resolve("state"),
                new ExistingProvisioner.Settings(url(), "root", passwordFile()));
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> p.provision("m1"));
        assertTrue(e.getMessage().contains("`shop` has 2 tables"), e.getMessage());
        assertTrue(e.getMessage().contains("overwrite=true"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
        assertFalse(e.getMessage().contains(server.password()));
        assertFalse(Files.exists(p.stateStore().stateFile("m1")), "state written for a refused target");
    }

    @Test
    void checksOnlyTheSchemasToBeClonedWhenGiven() throws Exception {
        ExistingProvisioner.Settings settings = new ExistingProvisioner.Settings(url(), "root", passwordFile());
        ExistingProvisioner other = new ExistingProvisioner(tmp.resolve("s1"), settings.withSchemas(List.of("other")));
        assertEquals(server.port(), other.provision("m1").port());
        ExistingProvisioner shop = new ExistingProvisioner(tmp.resolve("s2"), settings.withSchemas(List.of("shop")));
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> shop.provision("m1"));
        assertTrue(e.getMessage().contains("`shop` has 2 tables"), e.getMessage());
    }

    @Test
    void overwritePermitsANonEmptyTargetWithoutDroppingAnythingAndStoresNoPassword() throws Exception {
        Path stateDir = tmp.resolve("state");
        CredentialRef ref = passwordFile();
        ExistingProvisioner p = new ExistingProvisioner(stateDir,
                new ExistingProvisioner.Settings(url(), "root", ref).withOverwrite(true));
        ProvisionedServer s = p.provision("m2");
        assertEquals("existing", s.kind());
        assertEquals("127.0.0.1", s.host());
        assertEquals(server.port(), s.port());
        assertEquals(server.password(), s.password());
        assertTrue(s.jdbcUrl().startsWith("jdbc:mariadb://127.0.0.1:" + server.port()), s.jdbcUrl());
        assertFalse(s.toString().contains(server.password()), s.toString());
        try (Connection c = s.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM shop.a")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1), "a row of the existing target is gone");
        }
        assertTrue(s.details().get("version").contains("MariaDB"), s.details().toString());

        String state = Files.readString(p.stateStore().stateFile("m2"));
        assertFalse(state.contains(server.password()), "state file holds the password:\n" + state);
        assertTrue(state.contains(ref.toString()), state);
        assertFalse(Files.exists(p.stateStore().secretFile("m2")), "an existing target's password was copied");

        // a restarted process, with no settings, finds and reconnects from the state alone
        ExistingProvisioner later = new ExistingProvisioner(stateDir);
        assertEquals(s, later.find("m2").orElseThrow());
        assertEquals(s, later.provision("m2"));
        later.teardown("m2");
        assertTrue(later.find("m2").isEmpty());
        assertFalse(Files.exists(p.stateStore().stateFile("m2")));
        server.execute("SELECT 1 FROM shop.a"); // the operator's data stays
    }

    @Test
    void connectFailureNamesHostAndPortButNotThePassword() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path pw = tmp.resolve("pw-bad");
        String secret = "Zq9-not-the-password-4711";
        Files.writeString(pw, secret);
        ExistingProvisioner refused = new ExistingProvisioner(tmp.resolve("state"), new ExistingProvisioner.Settings(
                "jdbc:mariadb://127.0.0.1:" + closedPort + "/", "root", CredentialRef.file(pw)));
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> refused.provision("m3"));
        assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
        assertFalse(e.getMessage().contains(secret), e.getMessage());

        ExistingProvisioner denied = new ExistingProvisioner(tmp.resolve("state"), new ExistingProvisioner.Settings(
                url(), "root", CredentialRef.file(pw)));
        e = assertThrows(ProvisioningException.class, () -> denied.provision("m3"));
        assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
        assertTrue(e.getMessage().contains("Access denied"), e.getMessage());
        assertFalse(e.getMessage().contains(secret), e.getMessage());
    }

    @Test
    void anUnsetEnvironmentVariableIsNamedInTheError() {
        String variable = "PARAVERSE_TEST_UNSET_" + System.nanoTime();
        ExistingProvisioner p = new ExistingProvisioner(tmp.resolve("state"),
                new ExistingProvisioner.Settings(url(), "root", CredentialRef.parse("env:" + variable)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.provision("m4"));
        assertTrue(e.getMessage().contains(variable), e.getMessage());
        assertFalse(e.getMessage().contains(server.password()), e.getMessage());
    }

    @Test
    void urlsAreOneHostWithoutAPassword() {
        var a = ExistingProvisioner.parseUrl("jdbc:mysql://db.example:3307/?useSsl=true");
        assertEquals("db.example", a.host());
        assertEquals(3307, a.port());
        assertEquals("jdbc:mariadb://db.example:3307/?useSsl=true", a.jdbcUrl());
        assertEquals(3306, ExistingProvisioner.parseUrl("jdbc:mariadb://db.example").port());
        assertEquals("::1", ExistingProvisioner.parseUrl("jdbc:mariadb://[::1]:3310/").host());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExistingProvisioner.parseUrl("jdbc:mariadb://h:3306/?user=x&password=hunter2"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExistingProvisioner.parseUrl("jdbc:mariadb://h1,h2/"));
        assertThrows(IllegalArgumentException.class, () -> ExistingProvisioner.parseUrl("jdbc:postgresql://h/"));
    }
}
