package io.paraverse.e2e;

import io.paraverse.clone.CloneEndpoint;
import io.paraverse.clone.SnapshotClone;
import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.migration.Migration;
import io.paraverse.daemon.migration.config.MigrationConfigLoader;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.examples.mediawiki.MediaWiki14Workload;
import io.paraverse.examples.mediawiki.MediaWikiEquality;
import io.paraverse.examples.mediawiki.UpgradeScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The shipped example through the product's main job: a migration file (MediaWiki 1.4 production, a local clone,
 * upgrade-1.5.sql, the translator `mediawiki-1.5` by name) taken to READY by the orchestrator while editors keep
 * working; after they stop and the clone drains, it equals a fresh 1.5 upgrade of production's final data.
 */
class MediaWikiMigrationTest {
    @TempDir
    Path work;

    @Test
    void aMediaWikiMigrationFileReachesReadyAndTheCloneEqualsAFreshUpgrade() throws Exception {
        List<MariaDbServer> servers = MariaDbServer.startAll(MariaDbOptions.source("mwm-src"), MariaDbOptions.target("mwm-referee"));
        try (MariaDbServer prod = servers.get(0); MariaDbServer referee = servers.get(1)) {
            MediaWiki14Workload wiki = new MediaWiki14Workload("wiki", 42);
            try (Connection c = prod.connect("")) {
                wiki.prepare(c, 200, 3);
            }
            Files.writeString(work.resolve("source.pw"), prod.password());
            try (InputStream in = UpgradeScript.class.getClassLoader().getResourceAsStream(UpgradeScript.UPGRADE_15)) {
                Files.write(work.resolve("upgrade-1.5.sql"), in.readAllBytes());
            }
            Path yaml = work.resolve("wiki.yaml");
            Files.writeString(yaml, String.join("\n",
                    "name: wiki-1-5",
                    "source: {host: 127.0.0.1, port: " + prod.port() + ", user: root, password: 'file:source.pw'}",
                    "target: {provisioner: local, datadir: local}",
                    "clone: {method: snapshot, include: [wiki]}",
                    "upgrade: {sql: [upgrade-1.5.sql], database: wiki, timeout: 5m}",
                    "translators: {names: [mediawiki-1.5]}",
                    "journal: {dir: journal, disk_budget: 1GiB}",
                    "catch_up: {ready_lag_seconds: 3, sustained: 2s}", ""));
            MediaWiki14Workload.Stats stats = new MediaWiki14Workload.Stats();
            AtomicBoolean editing = new AtomicBoolean(true);
            AtomicReference<Throwable> editorError = new AtomicReference<>();
            List<Thread> editors = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> {
                    try (Connection c = prod.connect("wiki")) {
                        wiki.run(c, editing::get, stats);
                    } catch (Throwable e) {
                        editorError.compareAndSet(null, e);
                    }
                });
                t.start();
                editors.add(t);
            }
            Path data = work.resolve("data");
            try (Migration m = new Migration(MigrationConfigLoader.load(yaml), data, line -> { })) {
                boolean ready;
                try {
                    ready = m.runUntilReady(() -> true);
                } finally {
                    editing.set(false);
                    for (Thread t : editors) {
                        t.join(30_000);
                    }
                }
                assertNull(editorError.get(), () -> "editor failed: " + editorError.get());
                assertTrue(ready, String.valueOf(m.state()));
                assertEquals(Phase.READY, m.state().phase());
                assertTrue(stats.total() > 50, "editors worked during the migration: " + stats);
                // production's final data, upgraded afresh
                String end = prod.gtidBinlogPos();
                SnapshotClone.run(new CloneEndpoint("127.0.0.1", prod.port(), "root", prod.password()),
                        new CloneEndpoint("127.0.0.1", referee.port(), "root", referee.password()), SnapshotClone.Options.of("wiki"));
                try (Connection r = referee.connect("wiki")) {
                    UpgradeScript.run(r, UpgradeScript.UPGRADE_15);
                }
                var target = new ProvisionerStateStore(data.resolve("wiki-1-5").resolve("provisioner")).load("wiki-1-5").orElseThrow();
                MediaWikiEquality.Result result = null;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < deadline) { // the clone keeps applying: wait until it has production's last edit
                    try (Connection c = DriverManager.getConnection(target.jdbcUrl() + "wiki", target.user(), target.credentialRef().resolve());
                         Connection r = referee.connect("wiki")) {
                        result = MediaWikiEquality.compare(c, "wiki", r, "wiki");
                    }
                    if (result.equal()) {
                        break;
                    }
                    Thread.sleep(300);
                }
                assertNotNull(result);
                assertTrue(result.equal(), "after " + end + ": " + result);
                assertTrue(result.revisionsA() > 600, result.toString());
            }
        }
    }
}
