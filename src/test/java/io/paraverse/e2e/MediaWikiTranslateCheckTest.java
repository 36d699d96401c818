package io.paraverse.e2e;

import io.paraverse.clone.CloneEndpoint;
import io.paraverse.clone.SnapshotClone;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.check.TranslateCheck;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.examples.mediawiki.MediaWiki14Workload;
import io.paraverse.examples.mediawiki.MediaWiki15Translator;
import io.paraverse.examples.mediawiki.UpgradeScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * translate-check on the shipped example: the MediaWiki translator against the real 1.5 upgrade, over the clone-point
 * data fed as inserts. Pages agree; the history does not: an {@code old} row inserted without the {@code cur} update of
 * an edit (an import) is not translated — the translator is written for catch-up, where every old row is an edit's
 * previous version. The check finds exactly those rows, which is what it is for (examples/mediawiki/README.md).
 */
class MediaWikiTranslateCheckTest {
    @TempDir
    Path work;

    @Test
    void theCheckFindsThatTheTranslatorLeavesHistoryImportsOut() throws Exception {
        List<MariaDbServer> s = MariaDbServer.startAll(MariaDbOptions.source("mwc-src"), MariaDbOptions.target("mwc-clone"));
        try (MariaDbServer source = s.get(0); MariaDbServer clone = s.get(1)) {
            try (Connection c = source.connect("")) {
                new MediaWiki14Workload("wiki", 7).prepare(c, 100, 3);
            }
            SnapshotClone.run(new CloneEndpoint("127.0.0.1", source.port(), "root", source.password()),
                    new CloneEndpoint("127.0.0.1", clone.port(), "root", clone.password()), SnapshotClone.Options.of("wiki"));
            Endpoint ep = new Endpoint("127.0.0.1", clone.port(), "root", clone.password());
            TranslateCheck.snapshotOldTables(ep, "wiki", "paraverse_old_wiki", List.of("cur", "old"));
            try (Connection c = clone.connect("wiki")) {
                UpgradeScript.run(c, UpgradeScript.UPGRADE_15);
            }
            TranslateCheck.Result r = TranslateCheck.run(new TranslateCheck.Config("mw", ep, "paraverse_old_wiki", "wiki",
                    List.of("cur", "old"), "wiki", new MediaWiki15Translator("wiki"), Map.of(),
                    List.of(new TranslateCheck.Compare("page", List.of("page_id"), Set.of("page_latest")),
                            new TranslateCheck.Compare("revision", List.of("rev_page", "rev_timestamp"), Set.of("rev_id", "rev_text_id"))),
                    work, false));
            var page = r.tables().get(0);
            var revision = r.tables().get(1);
            assertTrue(page.equal(), page.toString());
            assertEquals(100, page.leftRows());
            // 100 pages x 3 edits: the upgrade made 300 revisions from old rows and 100 from cur; the translator only the latter
            assertEquals(100, revision.leftRows(), revision.toString());
            assertEquals(400, revision.rightRows(), revision.toString());
            assertEquals(300, revision.onlyRight(), revision.toString());
            assertEquals(0, revision.onlyLeft() + revision.differing(), "the revisions it does write agree: " + revision);
        }
    }
}
