package io.paraverse.examples.mediawiki;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * upgrade-1.5.sql on a real MariaDB with 1.4 data the workload generated (creates, edits, renames with redirects,
 * deletes): the 1.5 invariants hold, nothing is lost, and {@link MediaWikiEquality} accepts two upgrades of the same
 * data and reports a difference planted in one.
 */
class UpgradeSqlTest {
    private static MariaDbServer server;

    @BeforeAll
    static void start() {
        server = MariaDbServer.start(MariaDbOptions.target("mw-upgrade"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static void generate(Connection c, String db) throws SQLException {
        MediaWiki14Workload w = new MediaWiki14Workload(db, 7);
        w.prepare(c, 40, 3);
        AtomicInteger left = new AtomicInteger(400);
        MediaWiki14Workload.Stats stats = new MediaWiki14Workload.Stats();
        w.run(c, () -> left.decrementAndGet() >= 0, stats);
        c.setAutoCommit(true);
        assertTrue(stats.edits.get() > 100 && stats.creates.get() > 0 && stats.renames.get() > 0 && stats.deletes.get() > 0,
                stats.toString());
    }

    @Test
    void upgradeRestructuresCurAndOldIntoPageRevisionAndText() throws Exception {
        try (Connection c = server.connect("")) {
            generate(c, "wiki_a");
            long curRows = scalar(c, "SELECT COUNT(*) FROM cur");
            long oldRows = scalar(c, "SELECT COUNT(*) FROM old");
            long maxOld = scalar(c, "SELECT MAX(old_id) FROM old");
            long redirects = scalar(c, "SELECT COUNT(*) FROM cur WHERE cur_is_redirect = 1");
            long bigTexts = scalar(c, "SELECT COUNT(*) FROM cur WHERE LENGTH(cur_text) > 10000");
            long unicode = scalar(c, "SELECT COUNT(*) FROM cur WHERE LENGTH(cur_title) > CHAR_LENGTH(cur_title)");
            assertTrue(redirects > 0 && bigTexts > 0 && unicode > 0, redirects + " " + bigTexts + " " + unicode);
            Map<Long, String> curText = new HashMap<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT cur_id, cur_text FROM cur")) {
                while (rs.next()) {
                    curText.put(rs.getLong(1), rs.getString(2));
                }
            }
            UpgradeScript.run(c, UpgradeScript.UPGRADE_15);

            assertEquals(0, scalar(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'wiki_a'"
                    + " AND table_name IN ('cur', 'old', 'upgrade15_cur_rev')"));
            assertEquals(3, scalar(c, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'wiki_a'"
                    + " AND table_name = 'text'"), "text keeps old_id, old_text, old_flags");
            assertEquals(curRows, scalar(c, "SELECT COUNT(*) FROM page"));
            assertEquals(curRows + oldRows, scalar(c, "SELECT COUNT(*) FROM revision"));
            assertEquals(curRows + oldRows, scalar(c, "SELECT COUNT(*) FROM text"));
            assertEquals(0, scalar(c, "SELECT COUNT(*) FROM revision WHERE rev_text_id <> rev_id"));
            assertEquals(curRows, scalar(c, "SELECT COUNT(*) FROM page WHERE page_latest > " + maxOld),
                    "every current version got a fresh id above max(old_id)");
            assertEquals(maxOld + curRows, scalar(c, "SELECT MAX(rev_id) FROM revision"));
            assertEquals(0, scalar(c, "SELECT COUNT(*) FROM page p JOIN text t ON t.old_id = p.page_latest"
                    + " WHERE p.page_len <> LENGTH(t.old_text)"));
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT p.page_id, t.old_text FROM page p JOIN text t ON t.old_id = p.page_latest")) {
                int n = 0;
                while (rs.next()) {
                    assertEquals(curText.get(rs.getLong(1)), rs.getString(2), "page " + rs.getLong(1));
                    n++;
                }
                assertEquals(curRows, n);
            }
            MediaWikiEquality.Result self = MediaWikiEquality.compare(c, "wiki_a", c, "wiki_a");
            assertTrue(self.equal(), self.toString());
            assertEquals(curRows + oldRows, self.revisionsA());
        }
    }

    @Test
    void equalityAcceptsTheSameHistoryAndReportsAPlantedDifference() throws Exception {
        try (Connection c = server.connect("")) {
            generate(c, "wiki_b");
            UpgradeScript.run(c, UpgradeScript.UPGRADE_15);
            generate(c, "wiki_c");
            UpgradeScript.run(c, UpgradeScript.UPGRADE_15);
            MediaWikiEquality.Result r = MediaWikiEquality.compare(c, "wiki_b", c, "wiki_c");
            assertTrue(r.equal(), r.toString());
            // the same history under other revision/text ids is still equal
            try (Statement st = c.createStatement()) {
                st.execute("UPDATE wiki_c.revision SET rev_id = rev_id + 100000, rev_text_id = rev_text_id + 100000");
                st.execute("UPDATE wiki_c.text SET old_id = old_id + 100000");
                st.execute("UPDATE wiki_c.page SET page_latest = page_latest + 100000");
            }
            r = MediaWikiEquality.compare(c, "wiki_b", c, "wiki_c");
            assertTrue(r.equal(), "ids shifted: " + r);
            try (Statement st = c.createStatement()) {
                st.execute("UPDATE wiki_c.text t JOIN wiki_c.revision rv ON rv.rev_text_id = t.old_id"
                        + " SET t.old_text = CONCAT(t.old_text, 'vandalism') WHERE rv.rev_page = (SELECT MIN(page_id) FROM wiki_c.page)"
                        + " ORDER BY rv.rev_timestamp LIMIT 1");
                st.execute("UPDATE wiki_c.page SET page_title = CONCAT(page_title, '_x') ORDER BY page_id DESC LIMIT 1");
            }
            r = MediaWikiEquality.compare(c, "wiki_b", c, "wiki_c");
            assertFalse(r.equal());
            System.err.println(r);
            assertEquals(2, r.differenceCount(), r.toString());
            assertTrue(r.differences().stream().anyMatch(d -> d.contains("old_text")), r.toString());
            assertTrue(r.differences().stream().anyMatch(d -> d.contains("page_title")), r.toString());
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
