package io.paraverse.e2e;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.api.DaemonMetrics;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A translator fails on one production row: the migration is FAILED with an error naming the translator, the source
 * table and key and the skip command; Prometheus counts the error under that translator's label; the audited skip
 * of that one transaction lets the migration go on, and the rows after it arrive.
 */
class TranslatorErrorMetricTest {
    @TempDir
    Path work;

    @Test
    void aTranslatorErrorIsNamedCountedByTranslatorAndSkippable() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("terr-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 500, 1000, "verify: {every: 'off'}");
            Files.writeString(yaml, Files.readString(yaml).replace("translators: {mappings: [split.yaml]}",
                    "translators: {names: [orders-boom], mappings: [split.yaml]}"));
            source.execute("CREATE TABLE shop.orders (id INT PRIMARY KEY, customer INT NOT NULL, amount INT NOT NULL)",
                    "INSERT INTO shop.orders VALUES (1, 1, 10)");
            List<String> out = new ArrayList<>();
            try (DaemonService daemon = new DaemonService(work.resolve("data"), (m, l) -> { synchronized (out) { out.add(l); } }, (m, t) -> { })) {
                DaemonMetrics metrics = new DaemonMetrics(daemon);
                daemon.startAll(List.of(yaml));
                MigrationRunner r = daemon.runner(ShopSplitFixture.NAME).orElseThrow();
                await(r, Phase.READY, out);
                assertFalse(metrics.scrape().contains("paraverse_translator_errors_total"), "no error yet");

                source.execute("INSERT INTO shop.orders VALUES (2, 1, 666)", "INSERT INTO shop.orders VALUES (3, 1, 30)");
                String gtid;
                try (Connection c = source.connect(""); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
                    rs.next();
                    String pos = rs.getString(1); // the last is order 3's; the failing one is just before it
                    long seq = Long.parseLong(pos.substring(pos.lastIndexOf('-') + 1));
                    gtid = pos.substring(0, pos.lastIndexOf('-') + 1) + (seq - 1);
                }
                await(r, Phase.FAILED, out);
                String failure = r.state().failure();
                assertTrue(failure.contains("translator 'orders-boom' failed") && failure.contains("shop.orders")
                        && failure.contains("amount 666") && failure.contains("paraverse skip shop-split --gtid " + gtid), failure);
                String scrape = metrics.scrape();
                assertTrue(scrape.contains("paraverse_translator_errors_total{migration=\"shop-split\",translator=\"orders-boom\"} 1.0"), scrape);

                r.submit(new MigrationRunner.Skip(gtid, "order 2 is a test order (ticket 7)", "test")).get(120, TimeUnit.SECONDS);
                await(r, Phase.READY, out);
                String ids = null;
                for (int i = 0; i < 300 && !"1,3".equals(ids); i++) {
                    Thread.sleep(100);
                    try (Connection clone = CutoverTestSupport.target(work.resolve("data")); Statement st = clone.createStatement();
                         ResultSet rs = st.executeQuery("SELECT GROUP_CONCAT(id ORDER BY id) FROM shop.orders")) {
                        rs.next();
                        ids = rs.getString(1);
                    }
                }
                assertEquals("1,3", ids, "the failing row skipped, the next one applied");
            }
        }
    }

    private static void await(MigrationRunner r, Phase phase, List<String> out) throws InterruptedException {
        AwaitPhase.of(r, phase, 240, out);
    }
}
