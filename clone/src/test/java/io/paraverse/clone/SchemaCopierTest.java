package io.paraverse.clone;

import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.cloud.local.SourceAndTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SchemaCopierTest {
    private static MariaDbServer source;
    private static MariaDbServer target;

    private static SourceAndTarget servers;

    @BeforeAll
    static void servers() {
        servers = SourceAndTarget.start("sc");
        source = servers.source();
        target = servers.target();
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    static String showCreate(MariaDbServer s, String table) throws SQLException {
        try (Connection c = s.connect(""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + table)) {
            rs.next();
            return rs.getString(2);
        }
    }

    static String query(MariaDbServer s, String sql) throws SQLException {
        try (Connection c = s.connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void copiesDatabasesAndTablesExactlyAndListsSkippedObjects() throws Exception {
        source.execute("CREATE DATABASE fid CHARACTER SET latin1 COLLATE latin1_german1_ci",
                "CREATE TABLE fid.customers (id INT UNSIGNED NOT NULL AUTO_INCREMENT, email VARCHAR(120) CHARACTER SET utf8mb4"
                        + " COLLATE utf8mb4_unicode_ci NOT NULL, name VARCHAR(80) NOT NULL, bio TEXT CHARACTER SET utf8mb4"
                        + " COLLATE utf8mb4_bin, created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), PRIMARY KEY (id),"
                        + " UNIQUE KEY uq_email (email), KEY ix_name_created (name(20), created DESC), FULLTEXT KEY ft_bio (bio))"
                        + " ENGINE=InnoDB AUTO_INCREMENT=1234 DEFAULT CHARSET=latin1 COLLATE=latin1_german1_ci COMMENT='people'",
                "CREATE TABLE fid.orders (customer INT UNSIGNED NOT NULL, seq SMALLINT NOT NULL, total DECIMAL(12,2) NOT NULL,"
                        + " total2 DECIMAL(13,2) AS (total * 2) VIRTUAL, PRIMARY KEY (customer, seq),"
                        + " CONSTRAINT fk_cust FOREIGN KEY (customer) REFERENCES customers (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
                "CREATE VIEW fid.big_orders AS SELECT * FROM fid.orders WHERE total > 100",
                "CREATE TRIGGER fid.orders_bi BEFORE INSERT ON fid.orders FOR EACH ROW SET NEW.total = NEW.total",
                "CREATE PROCEDURE fid.noop() BEGIN END",
                "CREATE EVENT fid.nightly ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1");
        SchemaCopier.Result r;
        try (Connection s = source.connect(""); Connection t = target.connect("")) {
            r = SchemaCopier.copy(s, t, SchemaCopier.Options.of("fid.*"));
        }
        assertEquals(List.of(new TableRef("fid", "customers"), new TableRef("fid", "orders")), r.tables());
        assertTrue(r.skipped().contains("skipped: view fid.big_orders"), r.skipped().toString());
        assertTrue(r.skipped().contains("skipped: trigger fid.orders_bi"), r.skipped().toString());
        assertTrue(r.skipped().contains("skipped: procedure fid.noop"), r.skipped().toString());
        assertTrue(r.skipped().contains("skipped: event fid.nightly"), r.skipped().toString());
        assertEquals(4, r.skipped().size(), r.skipped().toString());
        for (String table : List.of("fid.customers", "fid.orders")) {
            assertEquals(showCreate(source, table), showCreate(target, table), table);
        }
        assertTrue(showCreate(target, "fid.customers").contains("AUTO_INCREMENT=1234"));
        String cs = "SELECT CONCAT(DEFAULT_CHARACTER_SET_NAME, '/', DEFAULT_COLLATION_NAME) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='fid'";
        assertEquals("latin1/latin1_german1_ci", query(target, cs));
        assertNull(query(target, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA='fid' AND TABLE_TYPE='VIEW'"));
    }

    /**
     * After the data: routines with their own sql_mode, views in dependency order (a_view reads z_view, created
     * later alphabetically), a definer missing on the target rewritten and reported; triggers and events not created
     * but returned with DDL that works at cutover.
     */
    @Test
    void programmableObjectsAreCreatedAfterTheDataOrDeferredToCutover() throws Exception {
        source.execute("CREATE DATABASE po", "CREATE TABLE po.t (id INT PRIMARY KEY, v INT)",
                "CREATE USER 'ghost'@'%'", "GRANT ALL ON po.* TO 'ghost'@'%'",
                "CREATE VIEW po.z_view AS SELECT id, v FROM po.t WHERE v > 0",
                "CREATE DEFINER='root'@'localhost' VIEW po.a_view AS SELECT id FROM po.z_view",
                "CREATE DEFINER='ghost'@'%' VIEW po.m_view AS SELECT COUNT(*) AS n FROM po.t",
                "SET SESSION sql_mode='PIPES_AS_CONCAT'",
                "CREATE FUNCTION po.cat(a VARCHAR(10), b VARCHAR(10)) RETURNS VARCHAR(20) DETERMINISTIC RETURN a || b",
                "SET SESSION sql_mode=DEFAULT",
                "CREATE DEFINER='ghost'@'%' PROCEDURE po.bump() UPDATE po.t SET v = v + 1",
                "CREATE VIEW po.uses_fn AS SELECT po.cat('x', 'y') AS xy",
                "CREATE TRIGGER po.t_bi BEFORE INSERT ON po.t FOR EACH ROW SET NEW.v = NEW.v * 10",
                "CREATE EVENT po.tick ON SCHEDULE EVERY 1 DAY DISABLE DO UPDATE po.t SET v = 0");
        SchemaCopier.ObjectsResult r;
        try (Connection s = source.connect(""); Connection t = target.connect("")) {
            SchemaCopier.copy(s, t, SchemaCopier.Options.of("po"));
            r = SchemaCopier.copyProgrammableObjects(s, t, SchemaCopier.Options.of("po"));
        }
        List<String> report = r.report();
        for (String line : List.of("created: function po.cat", "created: procedure po.bump", "created: view po.z_view",
                "created: view po.a_view", "created: view po.m_view", "created: view po.uses_fn",
                "deferred: trigger po.t_bi (created at cutover)", "deferred: event po.tick (created at cutover)",
                "definer rewritten: procedure po.bump DEFINER=`ghost`@`%` -> CURRENT_USER (no such account on the target)",
                "definer rewritten: view po.m_view DEFINER=`ghost`@`%` -> CURRENT_USER (no such account on the target)")) {
            assertTrue(report.contains(line), line + " in " + report);
        }
        assertTrue(report.indexOf("created: view po.z_view") < report.indexOf("created: view po.a_view"), report.toString());
        assertEquals("xy", query(target, "SELECT xy FROM po.uses_fn"), "the function kept PIPES_AS_CONCAT");
        assertEquals("root@localhost", query(target, "SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA='po' AND TABLE_NAME='a_view'"),
                "an existing definer is kept");
        assertEquals("root@127.0.0.1", query(target, "SELECT DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA='po' AND ROUTINE_NAME='bump'"),
                "a missing definer became the target user");
        assertEquals("0", query(target, "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA='po'"));
        assertEquals("0", query(target, "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA='po'"));
        // cutover: the deferred DDL, run as DeferredObject says, recreates the trigger and the event
        try (Connection t = target.connect(""); Statement st = t.createStatement()) {
            for (DeferredObject d : r.deferred()) {
                st.execute("USE " + TableRef.quote(d.schema()));
                st.execute("SET SESSION sql_mode='" + d.sqlMode() + "'");
                if (d.timeZone() != null) {
                    st.execute("SET SESSION time_zone='" + d.timeZone() + "'");
                }
                st.execute(d.ddl());
            }
            st.execute("INSERT INTO po.t VALUES (1, 2)");
        }
        assertEquals("20", query(target, "SELECT v FROM po.t WHERE id = 1"), "the trigger works at cutover");
        assertEquals("1", query(target, "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA='po' AND EVENT_NAME='tick'"));
    }

    @Test
    void singleTablePatternCopiesOnlyThatTable() throws Exception {
        source.execute("CREATE DATABASE one", "CREATE TABLE one.a (id INT PRIMARY KEY)", "CREATE TABLE one.b (id INT PRIMARY KEY)",
                "CREATE TRIGGER one.b_bi BEFORE INSERT ON one.b FOR EACH ROW SET NEW.id = NEW.id");
        try (Connection s = source.connect(""); Connection t = target.connect("")) {
            SchemaCopier.Result r = SchemaCopier.copy(s, t, SchemaCopier.Options.of("one.a"));
            assertEquals(List.of(new TableRef("one", "a")), r.tables());
            assertEquals(List.of(), r.skipped());
        }
        assertEquals("a", query(target, "SELECT GROUP_CONCAT(TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA='one'"));
    }

    @Test
    void refusesTableWithoutPrimaryKeyUnlessAllowed() throws Exception {
        source.execute("CREATE DATABASE nopk", "CREATE TABLE nopk.ok (id INT PRIMARY KEY)", "CREATE TABLE nopk.heap (x INT, KEY (x))");
        try (Connection s = source.connect(""); Connection t = target.connect("")) {
            CloneException e = assertThrows(CloneException.class, () -> SchemaCopier.copy(s, t, SchemaCopier.Options.of("nopk")));
            assertTrue(e.getMessage().contains("nopk.heap has no primary key"), e.getMessage());
            assertNull(query(target, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='nopk'"),
                    "nothing is created when refusing");
            SchemaCopier.Result r = SchemaCopier.copy(s, t, SchemaCopier.Options.of("nopk").withAllowNoPrimaryKey(true));
            assertEquals(2, r.tables().size());
        }
    }

    @Test
    void refusesNonInnoDbTableUnlessAllowed() throws Exception {
        source.execute("CREATE DATABASE myi", "CREATE TABLE myi.legacy (id INT PRIMARY KEY) ENGINE=MyISAM");
        try (Connection s = source.connect(""); Connection t = target.connect("")) {
            CloneException e = assertThrows(CloneException.class, () -> SchemaCopier.copy(s, t, SchemaCopier.Options.of("myi.*")));
            assertTrue(e.getMessage().contains("myi.legacy uses engine MyISAM, not InnoDB"), e.getMessage());
            assertTrue(e.getMessage().contains("withSnapshotMethod(SnapshotMethod.GLOBAL_READ_LOCK)"), e.getMessage());
            SchemaCopier.copy(s, t, SchemaCopier.Options.of("myi.*").withAllowNonInnoDb(true));
        }
        assertEquals(showCreate(source, "myi.legacy"), showCreate(target, "myi.legacy"));
    }

    @Test
    void refusesNonEmptyTargetSchemaUnlessOverwrite() throws Exception {
        source.execute("CREATE DATABASE ow", "CREATE TABLE ow.t (id INT PRIMARY KEY, v VARCHAR(10))");
        target.execute("CREATE DATABASE ow", "CREATE TABLE ow.t (id INT PRIMARY KEY)", "INSERT INTO ow.t VALUES (1)");
        try (Connection s = source.connect(""); Connection t = target.connect("")) {
            CloneException e = assertThrows(CloneException.class, () -> SchemaCopier.copy(s, t, SchemaCopier.Options.of("ow")));
            assertTrue(e.getMessage().contains("target schema ow is not empty") && e.getMessage().contains("ow.t"), e.getMessage());
            SchemaCopier.copy(s, t, SchemaCopier.Options.of("ow").withOverwrite(true));
        }
        assertEquals(showCreate(source, "ow.t"), showCreate(target, "ow.t"));
        assertEquals("0", query(target, "SELECT COUNT(*) FROM ow.t"));
    }

    @Test
    void refusesMissingSchemaOrTableAndBadPatterns() throws Exception {
        try (Connection s = source.connect(""); Connection t = target.connect("")) {
            CloneException e = assertThrows(CloneException.class, () -> SchemaCopier.copy(s, t, SchemaCopier.Options.of("nosuch")));
            assertTrue(e.getMessage().contains("nosuch"), e.getMessage());
            source.execute("CREATE DATABASE IF NOT EXISTS present");
            e = assertThrows(CloneException.class, () -> SchemaCopier.copy(s, t, SchemaCopier.Options.of("present.missing")));
            assertTrue(e.getMessage().contains("present.missing"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SchemaCopier.copy(s, t, SchemaCopier.Options.of("*.*")));
        }
    }
}
