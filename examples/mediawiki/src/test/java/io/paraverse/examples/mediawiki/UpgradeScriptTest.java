package io.paraverse.examples.mediawiki;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class UpgradeScriptTest {

    @Test
    void splitsOnSemicolonsOutsideQuotesAndComments() {
        String script = "-- a comment; not a statement\n"
                + "CREATE TABLE t (a TEXT DEFAULT 'x;y', b INT) /* block; comment */;\n"
                + "INSERT INTO t VALUES ('it''s; fine', 1), (\"dq;\\\"q\", 2);# trailing; comment\n"
                + "SELECT `we;ird` FROM t;\n"
                + "SELECT 3--1\n;  \n ; ";
        List<String> st = UpgradeScript.statements(script);
        assertEquals(List.of(
                "CREATE TABLE t (a TEXT DEFAULT 'x;y', b INT)",
                "INSERT INTO t VALUES ('it''s; fine', 1), (\"dq;\\\"q\", 2)",
                "SELECT `we;ird` FROM t",
                "SELECT 3--1"), st);
    }

    @Test
    void shippedScriptsSplitIntoTheirStatements() {
        assertEquals(2, UpgradeScript.statements(UpgradeScript.read(UpgradeScript.SCHEMA_14)).size());
        List<String> upgrade = UpgradeScript.statements(UpgradeScript.read(UpgradeScript.UPGRADE_15));
        assertTrue(upgrade.size() >= 10, upgrade.toString());
        assertTrue(upgrade.stream().noneMatch(s -> s.contains("--")), upgrade.toString());
        assertTrue(upgrade.get(upgrade.size() - 1).startsWith("ALTER TABLE text"));
    }

    @Test
    void unterminatedQuoteIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> UpgradeScript.statements("SELECT 'abc;"));
    }
}
