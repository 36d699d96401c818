package io.paraverse.daemon.migration.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code paraverse preflight} against real MariaDB servers; nothing may be changed by it. */
class PreflightTest {
    private static MariaDbServer source;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSource() {
        source = MariaDbServer.start(MariaDbOptions.source("preflight-src"));
        source.execute("CREATE DATABASE shop", "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(40))",
                "INSERT INTO shop.items VALUES (1, 'a'), (2, 'b')",
                "CREATE DATABASE logs", "CREATE TABLE logs.events (at DATETIME, msg TEXT)");
    }

    @AfterAll
    static void stopSource() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void goodSourcePassesAndPrintsTheTable() throws Exception {
        Path file = write(source, "snapshot", "shop", local(), "upgrade: {sql: [up.sql], expected_duration: 30m}");
        Run r = run(file.toString());
        assertEquals(0, r.exit, r.out);
        for (String check : List.of("config", "source credentials", "source reachable", "source log_bin",
                "source binlog_format", "source binlog_row_image", "source binlog_row_metadata", "source gtid",
                "source grants", "primary keys", "binlog retention", "target binaries", "target datadir",
                "disk journal", "disk datadir", "upgrade sql")) {
            assertTrue(r.out.lines().anyMatch(l -> l.startsWith(check + " ") && l.contains("PASS")), check + " PASS in\n" + r.out);
        }
        assertTrue(r.out.contains("preflight passed"), r.out);
        assertFalse(Files.exists(dir.resolve("journal")), "preflight creates nothing");
        assertFalse(Files.exists(dir.resolve("paraverse-state")), "preflight creates nothing");
    }

    @Test
    void statementFormatAndMissingBinlogFailNamingTheSetting() throws Exception {
        try (MariaDbServer statement = MariaDbServer.start(MariaDbOptions.source("preflight-stmt").option("binlog-format", "STATEMENT"));
             MariaDbServer noBinlog = MariaDbServer.start(MariaDbOptions.target("preflight-nobinlog"))) {
            Run r = run(write(statement, "snapshot", "mysql", local(), "upgrade: {sql: [up.sql]}").toString());
            assertEquals(1, r.exit, r.out);
            assertTrue(failLine(r.out, "source binlog_format").contains("binlog_format is STATEMENT, capture needs ROW"), r.out);

            Run r2 = run(write(noBinlog, "snapshot", "mysql", local(), "upgrade: {sql: [up.sql]}").toString());
            assertEquals(1, r2.exit, r2.out);
            assertTrue(failLine(r2.out, "source log_bin").contains("binary logging is off"), r2.out);
        }
    }

    @Test
    void tableWithoutPrimaryKeyFailsForChunkedAndWarnsOtherwise() throws Exception {
        Run chunked = run(write(source, "chunked", "logs", local(), "upgrade: {sql: [up.sql]}").toString());
        assertEquals(1, chunked.exit, chunked.out);
        assertTrue(failLine(chunked.out, "primary keys").contains("logs.events"), chunked.out);

        Run snapshot = run(write(source, "snapshot", "logs", local(), "upgrade: {sql: [up.sql]}").toString());
        assertEquals(0, snapshot.exit, snapshot.out);
        assertTrue(snapshot.out.lines().anyMatch(l -> l.startsWith("primary keys") && l.contains("WARN") && l.contains("logs.events")), snapshot.out);
    }

    @Test
    void existingNonEmptyTargetFailsUnlessOverwrite() throws Exception {
        String target = "target: {provisioner: existing, host: 127.0.0.1, port: " + source.port() + ", user: root, password: "
                + passwordRef(source) + "%s}";
        Run r = run(write(source, "snapshot", "shop", String.format(target, ""), "upgrade: {sql: [up.sql]}").toString());
        assertEquals(1, r.exit, r.out);
        assertTrue(failLine(r.out, "target schemas").contains("`shop` has 1 table"), r.out);
        assertTrue(r.out.lines().anyMatch(l -> l.startsWith("target reachable") && l.contains("PASS")), r.out);

        Run ok = run(write(source, "snapshot", "shop", String.format(target, ", overwrite: true"), "upgrade: {sql: [up.sql]}").toString());
        assertEquals(0, ok.exit, ok.out);
    }

    @Test
    void binlogRetentionIsComparedWithTwiceTheExpectedUpgrade() throws Exception {
        source.execute("SET GLOBAL binlog_expire_logs_seconds = 3600");
        try {
            Run warn = run(write(source, "snapshot", "shop", local(), "upgrade: {sql: [up.sql], expected_duration: 45m}").toString());
            assertEquals(0, warn.exit, warn.out);
            assertTrue(warn.out.lines().anyMatch(l -> l.startsWith("binlog retention") && l.contains("WARN")
                    && l.contains("kept 1h (binlog_expire_logs_seconds=3600)") && l.contains("= 1h30m")), warn.out);
            Run fail = run(write(source, "snapshot", "shop", local(), "upgrade: {sql: [up.sql], expected_duration: 2h}").toString());
            assertEquals(1, fail.exit, fail.out);
            assertTrue(failLine(fail.out, "binlog retention").contains("binlog_expire_logs_seconds=14400"), fail.out);
        } finally {
            source.execute("SET GLOBAL binlog_expire_logs_seconds = 0");
        }
    }

    @Test
    void missingGrantsFailWithTheGrantToRun() throws Exception {
        source.execute("CREATE USER IF NOT EXISTS 'weak'@'%' IDENTIFIED BY 'weak-pw'", "GRANT SELECT ON shop.* TO 'weak'@'%'");
        Path pw = dir.resolve("weak.pw");
        Files.writeString(pw, "weak-pw");
        Path file = write(source, "snapshot", "shop", local(), "upgrade: {sql: [up.sql]}");
        Files.writeString(file, Files.readString(file).replace("user: root, password: file:preflight-src.pw", "user: weak, password: file:weak.pw"));
        Run r = run(file.toString());
        assertEquals(1, r.exit, r.out);
        assertTrue(failLine(r.out, "source grants").contains("GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'weak'@'%'"), r.out);
        assertFalse(r.out.contains("weak-pw"), r.out);
    }

    @Test
    void missingUpgradeFileFailsNamingIt() throws Exception {
        Path file = write(source, "snapshot", "shop", local(), "upgrade: {sql: [up.sql, missing.sql], command: [./nope.sh]}");
        Run r = run(file.toString());
        assertEquals(1, r.exit, r.out);
        assertTrue(failLine(r.out, "upgrade sql").contains("not found: " + dir.resolve("missing.sql")), r.out);
        assertTrue(failLine(r.out, "upgrade command").contains(dir.resolve("nope.sh") + " not found"), r.out);
    }

    @Test
    void invalidConfigIsOneFailRowPerProblem() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: m\nsource: {host: h, port: 70000, user: u, password: hunter2}\n");
        Run r = run(file.toString());
        assertEquals(1, r.exit, r.out);
        assertTrue(failLine(r.out, "config").contains("source.port: must be 1-65535, got 70000"), r.out);
        assertFalse(r.out.contains("hunter2"), r.out);
    }

    @Test
    void jsonOutputParses() throws Exception {
        Run r = run(write(source, "chunked", "logs", local(), "upgrade: {sql: [up.sql]}").toString(), "--json");
        assertEquals(1, r.exit);
        JsonNode root = new ObjectMapper().readTree(r.out);
        assertFalse(root.get("ok").asBoolean());
        boolean found = false;
        for (JsonNode c : root.get("checks")) {
            assertTrue(c.has("check") && c.has("result") && c.has("detail"), c.toString());
            found |= c.get("check").asText().equals("primary keys") && c.get("result").asText().equals("FAIL");
        }
        assertTrue(found, r.out);
    }

    // ---------------------------------------------------------------------------------------------------------

    private String local() {
        return "target: {provisioner: local, datadir: paraverse-state/local}";
    }

    private String passwordRef(MariaDbServer server) throws Exception {
        Path pw = dir.resolve(server.name() + ".pw");
        Files.writeString(pw, server.password() + "\n");
        return "file:" + pw.getFileName();
    }

    private Path write(MariaDbServer server, String method, String include, String target, String upgrade) throws Exception {
        Files.writeString(dir.resolve("up.sql"), "ALTER TABLE shop.items ADD COLUMN sku VARCHAR(10);\n");
        String yaml = "name: pf\n"
                + "source: {host: 127.0.0.1, port: " + server.port() + ", user: root, password: " + passwordRef(server) + "}\n"
                + target + "\n"
                + "clone: {method: " + method + ", include: [" + include + "]}\n"
                + upgrade + "\n"
                + "journal: {dir: journal, disk_budget: 1MiB}\n";
        Path file = dir.resolve("migration-" + System.nanoTime() + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static String failLine(String out, String check) {
        return out.lines().filter(l -> l.startsWith(check + " ") && l.contains(" FAIL ")).findFirst()
                .orElseThrow(() -> new AssertionError("no FAIL row for " + check + " in\n" + out));
    }

    private record Run(int exit, String out) { }

    private static Run run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            String[] full = new String[args.length + 1];
            full[0] = "preflight";
            System.arraycopy(args, 0, full, 1, args.length);
            exit = Main.commandLine().execute(full);
        } finally {
            System.setOut(stdout);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        stdout.println(out);
        return new Run(exit, out);
    }
}
