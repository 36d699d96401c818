package io.paraverse.daemon.upgrade;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.clone.CloneEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The upgrade runner against a real MariaDB clone. */
class UpgradeRunnerTest {
    private static MariaDbServer server;
    private static CloneEndpoint clone;
    private static int dbCounter;

    @TempDir
    Path dir;
    private Path logFile;

    @BeforeAll
    static void start() {
        server = MariaDbServer.start(MariaDbOptions.target("upgrade"));
        clone = new CloneEndpoint(server.host(), server.port(), server.user(), server.password());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @AfterEach
    void passwordNeverLogged() throws Exception {
        if (logFile != null && Files.exists(logFile)) {
            assertFalse(Files.readString(logFile).contains(server.password()), "password in the upgrade log");
        }
    }

    private String freshDatabase() {
        String db = "app" + (++dbCounter);
        server.execute("CREATE DATABASE " + db);
        return db;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(UpgradeRunnerTest.class.getResource("/upgrade/" + name).toURI());
    }

    private UpgradeRunner runner(Duration timeout, UpgradeSpec.Step... steps) {
        logFile = dir.resolve("logs/migration-1-upgrade.log");
        return new UpgradeRunner(UpgradeSpec.of(timeout, steps), clone, logFile);
    }

    private static UpgradeSpec.Command sh(String script) {
        return new UpgradeSpec.Command(List.of("sh", "-c", script));
    }

    private static List<String> column(String db, String sql) throws SQLException {
        try (Connection c = server.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private void assertNoPassword(UpgradeFailedException e) {
        String pw = server.password();
        assertFalse(e.getMessage().contains(pw), "password in the message");
        assertFalse(e.reason().contains(pw), "password in the reason");
        assertFalse(stackTrace(e).contains(pw), "password in the stack trace");
        assertTrue(e.tail().stream().noneMatch(l -> l.contains(pw)), "password in the tail");
    }

    @Test
    void sqlFileWithProceduresTriggersAndDelimitersRuns() throws Exception {
        String db = freshDatabase();
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        logFile = dir.resolve("upgrade.log");
        Files.writeString(logFile, "earlier line\n");
        UpgradeRunner r = new UpgradeRunner(UpgradeSpec.of(Duration.ofMinutes(1),
                new UpgradeSpec.SqlFile(resource("procedures.sql"), db)), clone, logFile, 50, (at, line) -> heard.add(line));
        r.run();

        assertEquals(List.of("USER;1", "USER;2", "USER;3", "USER;4", "USER;5"),
                column(db, "SELECT name_upper FROM account ORDER BY id"), "procedure ran and trigger fired per row");
        assertEquals(List.of("seeded; it's done 'ok'", "yes; really"), column(db, "SELECT note FROM audit ORDER BY id"));
        assertEquals(List.of("seed"), column(db, "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()"));

        String log = Files.readString(logFile);
        assertTrue(log.startsWith("earlier line\n"), "appended, not overwritten");
        assertTrue(log.contains("sql procedures.sql:6> CREATE TABLE account ( …"), log);
        assertTrue(log.contains("sql procedures.sql:31> CALL seed(5)"), log);
        assertTrue(log.lines().skip(1).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z .*")), "timestamped: " + log);
        assertFalse(log.toUpperCase().contains("> DELIMITER"), "DELIMITER is not sent to the server");
        assertTrue(heard.stream().anyMatch(l -> l.contains("CALL seed(5)")), "listener saw the statements");
        assertTrue(r.tail().size() <= 50);
        assertTrue(r.lastLine().contains("upgrade finished"), r.lastLine());
        assertTrue(r.elapsed().toNanos() > 0);
        assertEquals(1, r.currentStep());
    }

    @Test
    void failingStatementNamesFileAndLine() throws Exception {
        String db = freshDatabase();
        UpgradeRunner r = runner(Duration.ofMinutes(1), new UpgradeSpec.SqlFile(resource("failing.sql"), db));
        UpgradeFailedException e = assertThrows(UpgradeFailedException.class, r::run);

        assertEquals(UpgradeFailedException.Kind.SQL_ERROR, e.kind());
        assertEquals(1, e.stepNumber());
        assertTrue(e.reason().startsWith("failing.sql:5: Table '" + db + ".no_such_table' doesn't exist"), e.reason());
        assertTrue(e.getMessage().contains("failing.sql:5: "), e.getMessage());
        assertTrue(e.tail().stream().anyMatch(l -> l.equals("sql failing.sql:5> INSERT INTO …")), e.tail().toString());
        assertEquals(List.of("1"), column(db, "SELECT id FROM before_failure"), "statements before the error ran");
        assertTrue(column(db, "SHOW TABLES LIKE 'after_failure'").isEmpty(), "nothing after the error ran");
        String log = Files.readString(logFile);
        assertTrue(log.contains("failed: failing.sql:5: Table"), log);
        assertNoPassword(e);
    }

    @Test
    void commandGetsCloneAddressAndPasswordFilesButNeverThePassword() throws Exception {
        Path work = Files.createDirectories(dir.resolve("app"));
        // the option file serves the mariadb client; the bare password file serves -p"$(cat …)"; MYSQL_HOST/PORT too
        String script = String.join("\n",
                "set -e",
                "echo \"pwd=$(pwd)\"",
                "echo \"mode=$(stat -c %a \"$PARAVERSE_CLONE_PASSWORD_FILE\") $(stat -c %a \"$PARAVERSE_CLONE_OPTION_FILE\")\"",
                "echo \"files=$PARAVERSE_CLONE_PASSWORD_FILE $PARAVERSE_CLONE_OPTION_FILE\"",
                "if env | grep -qF -- \"$(cat \"$PARAVERSE_CLONE_PASSWORD_FILE\")\"; then echo PASSWORD-IN-ENV; exit 9; fi",
                "case \"$*\" in *\"$(cat \"$PARAVERSE_CLONE_PASSWORD_FILE\")\"*) echo PASSWORD-IN-ARGV; exit 9;; esac",
                "echo \"extra=$APP_ENV\"",
                "mariadb --defaults-extra-file=\"$PARAVERSE_CLONE_OPTION_FILE\" -e 'CREATE DATABASE cmdapp; CREATE TABLE cmdapp.t (id INT); INSERT INTO cmdapp.t VALUES (42)'",
                "mariadb -u\"$PARAVERSE_CLONE_USER\" -p\"$(cat \"$PARAVERSE_CLONE_PASSWORD_FILE\")\" -N -e 'INSERT INTO cmdapp.t VALUES (43); SELECT CONCAT(\"rows=\", COUNT(*)) FROM cmdapp.t'",
                "echo \"to stderr\" >&2",
                "echo \"echoed secret: $(cat \"$PARAVERSE_CLONE_PASSWORD_FILE\")\"");
        UpgradeRunner r = runner(Duration.ofMinutes(1),
                new UpgradeSpec.Command(List.of("sh", "-c", script, "upgrade-script"), work, Map.of("APP_ENV", "production")));
        r.run();

        assertEquals(List.of("42", "43"), column("cmdapp", "SELECT id FROM t ORDER BY id"));
        String log = Files.readString(logFile);
        assertTrue(log.contains("pwd=" + work.toRealPath()), log);
        assertTrue(log.contains("mode=600 600"), log);
        assertTrue(log.contains("extra=production"), log);
        assertTrue(log.contains("rows=2"), log);
        assertTrue(log.contains("to stderr"), log);
        assertTrue(log.contains("echoed secret: ****"), "a password the script prints is redacted: " + log);
        String files = log.lines().filter(l -> l.contains("files=")).findFirst().orElseThrow();
        for (String f : files.substring(files.indexOf("files=") + 6).split(" ")) {
            assertFalse(Files.exists(Path.of(f)), f + " still exists after the command");
        }
    }

    @Test
    void failingCommandReportsExitCodeAndTail() throws Exception {
        UpgradeRunner r = runner(Duration.ofMinutes(1), sh("echo step one; echo step two; echo broken >&2; exit 3"));
        UpgradeFailedException e = assertThrows(UpgradeFailedException.class, r::run);
        assertEquals(UpgradeFailedException.Kind.EXIT_CODE, e.kind());
        assertEquals(3, e.exitCode());
        assertTrue(e.getMessage().contains("exit code 3"), e.getMessage());
        assertTrue(e.tail().containsAll(List.of("step one", "step two", "broken")), e.tail().toString());
        assertTrue(Files.readString(logFile).contains("broken"));
        assertNoPassword(e);
    }

    @Test
    void laterStepsDoNotRunAfterAFailure() throws Exception {
        String db = freshDatabase();
        Path sql = dir.resolve("later.sql");
        Files.writeString(sql, "CREATE TABLE later (id INT);");
        UpgradeRunner r = runner(Duration.ofMinutes(1), sh("exit 1"), new UpgradeSpec.SqlFile(sql, db));
        UpgradeFailedException e = assertThrows(UpgradeFailedException.class, r::run);
        assertEquals(1, e.stepNumber());
        assertTrue(column(db, "SHOW TABLES").isEmpty());
    }

    @Test
    void commandTimeoutKillsTheProcessTree() throws Exception {
        Path pids = dir.resolve("pids");
        UpgradeRunner r = runner(Duration.ofSeconds(1),
                sh("echo $$ > '" + pids + "'; sleep 30 & echo $! >> '" + pids + "'; echo started; wait"));
        long t0 = System.nanoTime();
        UpgradeFailedException e = assertThrows(UpgradeFailedException.class, r::run);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(UpgradeFailedException.Kind.TIMEOUT, e.kind());
        assertTrue(e.reason().contains("timed out after PT1S"), e.reason());
        assertTrue(tookMs < 10_000, "took " + tookMs + " ms");
        assertTrue(e.tail().contains("started"), e.tail().toString());
        List<String> lines = Files.readAllLines(pids);
        assertEquals(2, lines.size(), lines.toString());
        for (String pid : lines) {
            boolean alive = ProcessHandle.of(Long.parseLong(pid.trim())).map(ProcessHandle::isAlive).orElse(false);
            assertFalse(alive, "process " + pid + " survived the timeout");
        }
        assertNoPassword(e);
    }

    @Test
    void sqlTimeoutCancelsTheRunningStatement() throws Exception {
        String db = freshDatabase();
        Path sql = dir.resolve("slow.sql");
        Files.writeString(sql, "SELECT 1;\nSELECT SLEEP(30);\nCREATE TABLE never (id INT);\n");
        UpgradeRunner r = runner(Duration.ofSeconds(1), new UpgradeSpec.SqlFile(sql, db));
        long t0 = System.nanoTime();
        UpgradeFailedException e = assertThrows(UpgradeFailedException.class, r::run);
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000);
        assertEquals(UpgradeFailedException.Kind.TIMEOUT, e.kind(), e.getMessage());
        assertTrue(e.reason().contains("slow.sql:2"), e.reason());
        assertTrue(column(db, "SHOW TABLES").isEmpty());
    }

    @Test
    void passwordInAServerErrorIsRedacted() throws Exception {
        String db = freshDatabase();
        Path sql = dir.resolve("leaky.sql");
        Files.writeString(sql, "SELECT * FROM `missing_" + server.password() + "`;\n");
        UpgradeRunner r = runner(Duration.ofMinutes(1), new UpgradeSpec.SqlFile(sql, db));
        UpgradeFailedException e = assertThrows(UpgradeFailedException.class, r::run);
        assertEquals(UpgradeFailedException.Kind.SQL_ERROR, e.kind());
        assertTrue(e.reason().contains("missing_****"), e.reason());
        assertNoPassword(e);
    }

    @Test
    void unknownProgramFailsCleanly() {
        UpgradeRunner r = runner(Duration.ofMinutes(1), new UpgradeSpec.Command(List.of("/nonexistent/upgrade-tool")));
        UpgradeFailedException e = assertThrows(UpgradeFailedException.class, r::run);
        assertEquals(UpgradeFailedException.Kind.ERROR, e.kind());
        assertTrue(e.reason().contains("cannot start /nonexistent/upgrade-tool"), e.reason());
    }

    @Test
    void runsOnlyOnce() throws Exception {
        UpgradeRunner r = runner(Duration.ofMinutes(1), sh("true"));
        r.run();
        assertThrows(IllegalStateException.class, r::run);
    }
}
