package io.paraverse.traffic.proxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Through the proxy, a real Connector/J client gets exactly what it gets from the server directly. */
class MySqlProxyPassThroughTest {
    private static AppDatabase db;
    private static MySqlProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        db = AppDatabase.start("proxy-pass");
        db.execute("CREATE TABLE app.t (id INT PRIMARY KEY, name VARCHAR(100), blobby LONGBLOB)");
        proxy = MySqlProxy.start(new InetSocketAddress("127.0.0.1", 0), db.endpoint(),
                ProxyCredentials.of(Map.of(AppDatabase.USER, AppDatabase.PASSWORD)));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (db != null) db.close();
    }

    private static Connection connect(String options) throws SQLException {
        return AppDatabase.viaProxy(proxy, AppDatabase.USER, AppDatabase.PASSWORD, options);
    }

    @Test
    void queriesAndMultipleResultsComeBackIntact() throws Exception {
        try (Connection c = connect("allowMultiQueries=true"); Statement st = c.createStatement()) {
            st.execute("DELETE FROM t WHERE id < 100");
            assertEquals(3, st.executeUpdate("INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b'), (3, NULL)"));
            assertTrue(st.execute("SELECT id, name FROM t WHERE id < 100 ORDER BY id; UPDATE t SET name = 'z' WHERE id = 3; "
                    + "SELECT COUNT(*) FROM t WHERE id < 100; SELECT name FROM t WHERE id = 3"));
            List<String> seen = new ArrayList<>();
            try (ResultSet rs = st.getResultSet()) {
                while (rs.next()) seen.add(rs.getInt(1) + "=" + rs.getString(2));
            }
            assertEquals(List.of("1=a", "2=b", "3=null"), seen);
            assertFalse(st.getMoreResults());
            assertEquals(1, st.getUpdateCount());
            assertTrue(st.getMoreResults());
            try (ResultSet rs = st.getResultSet()) {
                rs.next();
                assertEquals(3, rs.getInt(1));
            }
            assertTrue(st.getMoreResults());
            try (ResultSet rs = st.getResultSet()) {
                rs.next();
                assertEquals("z", rs.getString(1));
            }
            assertFalse(st.getMoreResults());
            assertEquals(-1, st.getUpdateCount());
        }
        // and the data really is on the server
        try (Connection c = db.root(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM t WHERE id = 3")) {
            assertTrue(rs.next());
            assertEquals("z", rs.getString(1));
        }
    }

    @Test
    void storedProcedureResultsEndWhereTheServerSays() throws Exception {
        db.execute("CREATE OR REPLACE PROCEDURE app.two_results(IN n INT) BEGIN "
                + "SELECT n AS first; SELECT n * 2 AS second, 'x' AS third; END");
        for (String options : List.of("", "useServerPrepStmts=true")) {
            try (Connection c = connect(options); java.sql.CallableStatement call = c.prepareCall("{call two_results(?)}")) {
                call.setInt(1, 21);
                assertTrue(call.execute());
                try (ResultSet rs = call.getResultSet()) {
                    assertTrue(rs.next());
                    assertEquals(21, rs.getInt(1));
                }
                assertTrue(call.getMoreResults());
                try (ResultSet rs = call.getResultSet()) {
                    assertTrue(rs.next());
                    assertEquals(42, rs.getInt(1));
                    assertEquals("x", rs.getString(2));
                }
                assertFalse(call.getMoreResults());
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 'after'")) {
                    assertTrue(rs.next());
                    assertEquals("after", rs.getString(1), options);
                }
            }
        }
    }

    @Test
    void rowsLargerThanOnePacketSurviveBothWays() throws Exception {
        byte[] big = new byte[20 * 1024 * 1024 + 123];
        new Random(7).nextBytes(big);
        for (String options : List.of("", "useServerPrepStmts=true")) {
            try (Connection c = connect(options)) {
                try (PreparedStatement ps = c.prepareStatement("REPLACE INTO t (id, name, blobby) VALUES (?, ?, ?)")) {
                    ps.setInt(1, 500);
                    ps.setString(2, "big");
                    ps.setBytes(3, big);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT blobby, name FROM t WHERE id = ?")) {
                    ps.setInt(1, 500);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next());
                        assertArrayEquals(sha(big), sha(rs.getBytes(1)), options);
                        assertEquals("big", rs.getString(2));
                    }
                }
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT LENGTH(blobby), blobby FROM t WHERE id = 500")) {
                    assertTrue(rs.next());
                    assertEquals(big.length, rs.getLong(1));
                    assertArrayEquals(sha(big), sha(rs.getBytes(2)));
                }
            }
        }
        try (Connection c = db.root(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT blobby FROM t WHERE id = 500")) {
            assertTrue(rs.next());
            assertArrayEquals(sha(big), sha(rs.getBytes(1)), "the server has the bytes the client sent");
        }
    }

    @Test
    void serverSidePreparedStatementsWork() throws Exception {
        try (Connection c = connect("useServerPrepStmts=true")) {
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO t (id, name) VALUES (?, ?)")) {
                for (int i = 1000; i < 1050; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "n" + i);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            try (PreparedStatement sel = c.prepareStatement("SELECT id, name FROM t WHERE id >= ? AND id < ? ORDER BY id")) {
                sel.setInt(1, 1000);
                sel.setInt(2, 1050);
                int n = 0;
                try (ResultSet rs = sel.executeQuery()) {
                    while (rs.next()) {
                        assertEquals(1000 + n, rs.getInt(1));
                        assertEquals("n" + (1000 + n), rs.getString(2));
                        n++;
                    }
                }
                assertEquals(50, n);
            }
        }
        assertEquals(50, db.count("SELECT COUNT(*) FROM t WHERE id >= 1000 AND id < 1050"));
    }

    @Test
    void errorsReachTheClientAndTheSessionGoesOn() throws Exception {
        try (Connection c = connect(""); Statement st = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT * FROM no_such_table"));
            assertEquals(1146, e.getErrorCode());
            SQLException dup = assertThrows(SQLException.class, () -> st.executeUpdate("INSERT INTO t (id) VALUES (1), (1)"));
            assertEquals(1062, dup.getErrorCode());
            try (ResultSet rs = st.executeQuery("SELECT 41 + 1")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        }
    }

    @Test
    void localInfileIsRelayed() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("proxy-infile", ".tsv");
        try {
            StringBuilder data = new StringBuilder();
            for (int i = 2000; i < 2100; i++) data.append(i).append('\t').append("line").append(i).append('\n');
            java.nio.file.Files.writeString(file, data);
            try (Connection c = connect("allowLocalInfile=true"); Statement st = c.createStatement()) {
                assertEquals(100, st.executeUpdate("LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE t (id, name)"));
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t WHERE id >= 2000 AND id < 2100")) {
                    rs.next();
                    assertEquals(100, rs.getInt(1));
                }
            }
            assertEquals(1, db.count("SELECT COUNT(*) FROM t WHERE id = 2099 AND name = 'line2099'"));
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void quittingClosesTheServerSession() throws Exception {
        long before = db.connectionsOf(AppDatabase.USER);
        Connection c = connect("");
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            assertTrue(rs.next());
        }
        assertEquals(before + 1, db.connectionsOf(AppDatabase.USER));
        c.close(); // COM_QUIT
        long deadline = System.currentTimeMillis() + 5_000;
        while (db.connectionsOf(AppDatabase.USER) > before && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before, db.connectionsOf(AppDatabase.USER));
        assertTrue(proxy.stats().bytesFromClients() > 0 && proxy.stats().bytesFromServers() > 0);
    }

    @Test
    void aClientThatRequiresTlsGetsAClearError() {
        SQLException e = assertThrows(SQLException.class, () -> connect("sslMode=trust"));
        assertTrue(e.getMessage().toLowerCase().contains("ssl") || e.getMessage().toLowerCase().contains("tls"), e.getMessage());
    }

    @Test
    void theGreetingOffersNoTlsAndAnSslRequestGetsAnError() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", proxy.listenAddress().getPort())) {
            s.setSoTimeout(5_000);
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            byte[] greeting = readPacket(in);
            ServerGreeting parsed = ServerGreeting.parse(greeting);
            assertEquals(0, parsed.capabilities & Protocol.CLIENT_SSL, "the proxy must not offer TLS");
            assertNotEquals(0, parsed.capabilities & Protocol.CLIENT_PROTOCOL_41);
            byte[] sslRequest = new byte[4 + 32];
            sslRequest[0] = 32;
            sslRequest[3] = 1;
            Protocol.putU32(sslRequest, 4, Protocol.CLIENT_PROTOCOL_41 | Protocol.CLIENT_SSL | Protocol.CLIENT_SECURE_CONNECTION);
            s.getOutputStream().write(sslRequest);
            byte[] err = readPacket(in);
            assertEquals(0xFF, err[0] & 0xFF);
            String message = new String(err, 3, err.length - 3, java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(message.contains("does not support TLS"), message);
        }
    }

    private static byte[] readPacket(java.io.DataInputStream in) throws java.io.IOException {
        int len = in.readUnsignedByte() | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16;
        in.readUnsignedByte();
        byte[] payload = new byte[len];
        in.readFully(payload);
        return payload;
    }

    @Test
    void wrongPasswordsAreRefusedByTheServer() {
        SQLException e = assertThrows(SQLException.class,
                () -> AppDatabase.viaProxy(proxy, AppDatabase.USER, "wrong", ""));
        assertFalse(e instanceof SQLNonTransientConnectionException && e.getMessage().contains("proxy"), e.getMessage());
        assertTrue(e.getMessage().contains("Access denied"), e.getMessage());
    }

    private static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
