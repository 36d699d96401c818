package io.paraverse.e2e;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;
import io.paraverse.journal.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The migration file's other capture and journal kinds, through the daemon from YAML to READY with writers running,
 * the clone equal to production translated: Debezium's MariaDB connector in-process as the capture; a Kafka topic as
 * the journal — with the daemon restarted in between, which proves the clone phase and catch-up use the same journal.
 */
class CaptureAndJournalKindsTest {
    @TempDir
    Path work;

    @Test
    void debeziumEngineCaptureTakesAMigrationToReady() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("kinds-dbz-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 2000, 1000, "capture: {kind: debezium-engine}\nverify: {every: 'off'}");
            List<String> out = new ArrayList<>();
            Path data = work.resolve("data");
            try (DaemonService daemon = new DaemonService(data, (m, l) -> record(out, l), (m, t) -> { })) {
                daemon.startAll(List.of(yaml));
                MigrationRunner r = daemon.runner(ShopSplitFixture.NAME).orElseThrow();
                shop.startWriter();
                await(r, Phase.READY, out);
                assertTrue(shop.stopWriter() > 50);
                assertNull(shop.awaitCloneEqualsProduction(data));
                assertTrue(Files.exists(data.resolve(ShopSplitFixture.NAME).resolve("capture").resolve("debezium-offsets.dat")),
                        "Debezium's offsets live in the migration's directory");
            }
        }
    }

    @Test
    void kafkaJournalAcrossADaemonRestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("kinds-kafka-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 2000, 1000, "verify: {every: 'off'}");
            Files.writeString(yaml, Files.readString(yaml).replace("journal: {dir: journal, disk_budget: 1GiB}",
                    "journal: {dir: journal, disk_budget: 1GiB, kind: kafka, bootstrap: '" + kafka.bootstrap() + "'}"));
            List<String> out = new ArrayList<>();
            Path data = work.resolve("data");
            shop.startWriter();
            try (DaemonService daemon = new DaemonService(data, (m, l) -> record(out, "1st: " + l), (m, t) -> { })) {
                daemon.startAll(List.of(yaml));
                await(daemon.runner(ShopSplitFixture.NAME).orElseThrow(), Phase.READY, out);
            }
            Thread.sleep(1000); // production writes while the daemon is down
            try (DaemonService daemon = new DaemonService(data, (m, l) -> record(out, "2nd: " + l), (m, t) -> { })) {
                daemon.startAll(List.of(yaml));
                MigrationRunner r = daemon.runner(ShopSplitFixture.NAME).orElseThrow();
                Thread.sleep(3000);
                assertNotEquals(Phase.FAILED, r.state().phase(), () -> r.state().failure() + "\n" + String.join("\n", out));
                await(r, Phase.READY, out);
                assertTrue(shop.stopWriter() > 50);
                assertNull(shop.awaitCloneEqualsProduction(data));
            }
            assertFalse(Files.exists(work.resolve("journal")) && hasSegments(work.resolve("journal")),
                    "no file journal was written: the clone phase used the Kafka journal too");
        }
    }

    private static boolean hasSegments(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".seg"));
        }
    }

    private static void await(MigrationRunner r, Phase phase, List<String> out) throws InterruptedException {
        AwaitPhase.of(r, phase, 240, out);
    }

    private static void record(List<String> out, String line) {
        synchronized (out) {
            out.add(line);
        }
    }
}
