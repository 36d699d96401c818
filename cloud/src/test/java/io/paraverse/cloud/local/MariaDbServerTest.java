package io.paraverse.cloud.local;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class MariaDbServerTest {

    @Test
    void startsSourceAndTargetInParallelWithTheirOwnPortsAndBinlogSettings() throws Exception {
        List<MariaDbServer> servers = MariaDbServer.startAll(MariaDbOptions.source("src"), MariaDbOptions.target("tgt"));
        MariaDbServer src = servers.get(0);
        MariaDbServer tgt = servers.get(1);
        Path srcDir = src.datadir();
        long srcPid = src.pid();
        try {
            assertNotEquals(3306, src.port());
            assertNotEquals(src.port(), tgt.port());
            assertNotEquals(src.serverId(), tgt.serverId());
            try (Connection c = src.connect(""); Statement st = c.createStatement()) {
                assertEquals("1", variable(st, "log_bin"));
                assertEquals("ROW", variable(st, "binlog_format"));
                assertEquals("FULL", variable(st, "binlog_row_image"));
                assertEquals("FULL", variable(st, "binlog_row_metadata"));
                assertEquals(String.valueOf(src.serverId()), variable(st, "server_id"));
            }
            try (Connection c = tgt.connect(""); Statement st = c.createStatement()) {
                assertEquals("0", variable(st, "log_bin"));
            }
            assertTrue(Files.isDirectory(srcDir));
        } finally {
            servers.forEach(MariaDbServer::close);
        }
        assertFalse(ProcessHandle.of(srcPid).map(ProcessHandle::isAlive).orElse(false), "mariadbd still running after close");
        assertFalse(Files.exists(srcDir), "datadir left behind after close");
    }

    @Test
    void aDeepBaseDirectoryStillGetsAUsableSocket() throws Exception {
        // mariadbd aborts when its socket path exceeds 107 bytes ("The socket file path is too long")
        Path deep = Files.createTempDirectory("paraverse-deep-" + "d".repeat(60));
        try (MariaDbServer s = MariaDbServer.start(MariaDbOptions.target("deep-" + "x".repeat(20)).baseDir(deep))) {
            assertTrue(s.directory().resolve("mysqld.sock").toString().length() > 107, "the test must use a path that is too long");
            assertTrue(s.socket().toString().length() <= 107, s.socket().toString());
            assertTrue(Files.exists(s.socket()), "the server listens on " + s.socket());
            try (Connection c = s.connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
        } finally {
            try (var walk = Files.walk(deep)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void restartKeepsDataAndPort() throws Exception {
        try (MariaDbServer s = MariaDbServer.start(MariaDbOptions.source("restart"))) {
            int port = s.port();
            s.execute("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY)", "INSERT INTO d.t VALUES (7)");
            s.restart();
            assertEquals(port, s.port());
            try (Connection c = s.connect("d"); ResultSet rs = c.createStatement().executeQuery("SELECT id FROM t")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(1));
            }
        }
    }

    @Test
    void noOrphanServerSurvivesItsJvmBeingKilled() throws Exception {
        // A child JVM starts a server and is then killed with SIGKILL: no shutdown hook runs there.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StartAndWait.class.getName())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        long serverPid = -1;
        String datadir = null;
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("READY ")) {
                String[] parts = line.split(" ");
                serverPid = Long.parseLong(parts[1]);
                datadir = parts[2];
                break;
            }
        }
        assertTrue(serverPid > 0, "child did not report a server");
        Optional<ProcessHandle> server = ProcessHandle.of(serverPid);
        assertTrue(server.isPresent() && server.get().isAlive());
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + 15_000;
        while (server.get().isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(server.get().isAlive(), "mariadbd " + serverPid + " survived its killed JVM");
        while (Files.exists(Path.of(datadir)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(Files.exists(Path.of(datadir)), "datadir of the killed JVM's server was not removed");
    }

    @Test
    void missingBinariesNameThePackage() throws Exception {
        String message = messageForMissing();
        assertTrue(message.contains("apt-get install -y mariadb-server"), message);
        assertTrue(message.contains("mariadbd"), message);
    }

    private static String messageForMissing() throws Exception {
        // run locate() in a child JVM whose PATH and PARAVERSE_MARIADB_BIN point nowhere
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LocateOnly.class.getName())
                .redirectErrorStream(true);
        pb.environment().put("PATH", "/nonexistent");
        pb.environment().put(MariaDbBinaries.ENV_BIN_DIR, "/nonexistent");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private static String variable(Statement st, String name) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT @@" + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Child JVM: starts a server, reports it, waits to be killed. */
    public static final class StartAndWait {
        public static void main(String[] args) throws Exception {
            MariaDbServer s = MariaDbServer.start(MariaDbOptions.target("orphan-check"));
            System.out.println("READY " + s.pid() + " " + s.datadir().getParent());
            System.out.flush();
            Thread.sleep(600_000);
        }
    }

    /** Child JVM: only looks for the binaries, printing the error. */
    public static final class LocateOnly {
        public static void main(String[] args) {
            try {
                MariaDbBinaries.locate();
                System.out.println("FOUND");
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
