package io.paraverse.capture;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Preflight against real servers: a good source passes; each problem yields the right failing check and fix. */
class SourcePreflightTest {
    private static MariaDbServer good;
    private static MariaDbServer statement;
    private static MariaDbServer noBinlog;

    @BeforeAll
    static void startServers() {
        List<MariaDbServer> all = MariaDbServer.startAll(MariaDbOptions.source("pre"),
                MariaDbOptions.source("pre-stmt").option("binlog-format", "STATEMENT"),
                MariaDbOptions.target("pre-nobin"));
        good = all.get(0);
        statement = all.get(1);
        noBinlog = all.get(2);
        good.execute("CREATE DATABASE shop", "CREATE DATABASE other",
                "CREATE TABLE shop.ok (id INT PRIMARY KEY)",
                "CREATE TABLE shop.uk_notnull (a INT NOT NULL, b INT, UNIQUE KEY (a))",
                "CREATE TABLE other.ok (id INT PRIMARY KEY)",
                "CREATE USER 'weak'@'127.0.0.1' IDENTIFIED BY 'weak-pw'",
                "GRANT SELECT ON shop.* TO 'weak'@'127.0.0.1'",
                // weak sees the tables of other (information_schema shows only what a user has privileges on)
                "GRANT INSERT ON other.* TO 'weak'@'127.0.0.1'",
                "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl-pw'",
                "GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'repl'@'127.0.0.1'");
    }

    @AfterAll
    static void stopServers() {
        for (MariaDbServer s : new MariaDbServer[] {good, statement, noBinlog}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static Map<String, PreflightCheck> byName(List<PreflightCheck> checks) {
        return checks.stream().collect(Collectors.toMap(PreflightCheck::name, Function.identity()));
    }

    private static CaptureConfig.Builder config(MariaDbServer s) {
        return CaptureTestSupport.config(s);
    }

    @Test
    void aWellConfiguredSourcePassesEveryCheck() {
        List<PreflightCheck> checks = SourcePreflight.requirePassing(config(good).build(), Duration.ofDays(30));
        assertEquals(List.of("log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata", "gtid",
                "log_bin_compress", "grants", "primary_keys", "server_id", "binlog_retention"),
                checks.stream().map(PreflightCheck::name).toList());
        assertTrue(checks.stream().allMatch(PreflightCheck::ok), checks.toString());
        // the minimal grants are enough
        List<PreflightCheck> repl = SourcePreflight.check(config(good).user("repl").password("repl-pw").build());
        assertTrue(byName(repl).get("grants").ok(), byName(repl).get("grants").toString());
    }

    @Test
    void statementFormatFailsWithTheFix() {
        Map<String, PreflightCheck> checks = byName(SourcePreflight.check(config(statement).build()));
        PreflightCheck format = checks.get("binlog_format");
        assertFalse(format.ok());
        assertTrue(format.message().contains("binlog_format is STATEMENT"), format.message());
        assertTrue(format.message().contains("SET GLOBAL binlog_format='ROW'"), format.message());
        assertTrue(checks.get("binlog_row_image").ok());
        assertTrue(checks.get("binlog_row_metadata").ok());
        assertTrue(checks.get("log_bin").ok());
    }

    @Test
    void aServerWithoutBinlogFails() {
        PreflightCheck logBin = byName(SourcePreflight.check(config(noBinlog).build())).get("log_bin");
        assertFalse(logBin.ok());
        assertTrue(logBin.message().contains("log-bin="), logBin.message());
    }

    @Test
    void aUserLackingGrantsIsToldWhatToGrant() {
        CaptureConfig weak = config(good).user("weak").password("weak-pw").build();
        PreflightCheck grants = byName(SourcePreflight.check(weak)).get("grants");
        assertFalse(grants.ok());
        String m = grants.message();
        assertTrue(m.contains("REPLICATION SLAVE"), m);
        assertTrue(m.contains("BINLOG MONITOR"), m);
        assertTrue(m.contains("SELECT on other"), m); // shop is granted, other is not
        assertFalse(m.contains("SELECT on shop"), m);
        assertTrue(m.contains("GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'weak'@'127.0.0.1'"), m);
        assertFalse(m.contains("weak-pw"), m);
        // limited to shop, the SELECT grant suffices
        PreflightCheck shopOnly = byName(SourcePreflight.check(config(good).user("weak").password("weak-pw")
                .include("shop.*").build())).get("grants");
        assertFalse(shopOnly.message().contains("SELECT on"), shopOnly.message());
    }

    @Test
    void tablesWithoutPrimaryKeyAreListed() {
        good.execute("CREATE TABLE IF NOT EXISTS shop.nopk (a INT, b INT)",
                "CREATE TABLE IF NOT EXISTS shop.uk_nullable (a INT NULL, UNIQUE KEY (a))",
                "CREATE TABLE IF NOT EXISTS other.nopk2 (a INT)");
        try {
            PreflightCheck pk = byName(SourcePreflight.check(config(good).include("shop.*").build())).get("primary_keys");
            assertFalse(pk.ok());
            assertTrue(pk.message().startsWith("2 captured tables have no primary key"), pk.message());
            assertTrue(pk.message().contains("shop.nopk, shop.uk_nullable;"), pk.message());
            assertFalse(pk.message().contains("uk_notnull"), pk.message());
            assertFalse(pk.message().contains("other.nopk2"), pk.message());

            PreflightCheck excluded = byName(SourcePreflight.check(config(good).include("shop.*")
                    .exclude("shop.nopk", "shop.uk_nullable").build())).get("primary_keys");
            assertTrue(excluded.ok(), excluded.message());

            // requirePassing lists every failure in one exception
            CaptureConfig bad = config(good).user("weak").password("weak-pw").serverId(good.serverId()).build();
            PreflightException e = assertThrows(PreflightException.class, () -> SourcePreflight.requirePassing(bad));
            assertEquals(List.of("grants", "primary_keys", "server_id"),
                    e.failures().stream().map(PreflightCheck::name).toList());
            assertTrue(e.getMessage().contains("other.nopk2"), e.getMessage());
            assertTrue(e.getMessage().contains("same as the capture's server id"), e.getMessage());
        } finally {
            good.execute("DROP TABLE shop.nopk", "DROP TABLE shop.uk_nullable", "DROP TABLE other.nopk2");
        }
    }

    @Test
    void shortBinlogRetentionFails() {
        good.execute("SET GLOBAL binlog_expire_logs_seconds = 3600");
        try {
            PreflightCheck retention = byName(SourcePreflight.check(config(good).build(), Duration.ofDays(2)))
                    .get("binlog_retention");
            assertFalse(retention.ok());
            assertTrue(retention.message().contains("binlog_expire_logs_seconds=172800"), retention.message());
        } finally {
            good.execute("SET GLOBAL binlog_expire_logs_seconds = 0");
        }
    }

    @Test
    void anUnreachableSourceIsOneFailingCheck() {
        List<PreflightCheck> checks = SourcePreflight.check(config(good).password("nope").build());
        assertEquals(1, checks.size());
        assertEquals("connection", checks.get(0).name());
        assertFalse(checks.get(0).ok());
        assertTrue(checks.get(0).message().contains("Access denied"), checks.get(0).message());
    }
}
