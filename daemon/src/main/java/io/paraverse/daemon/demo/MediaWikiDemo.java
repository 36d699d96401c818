package io.paraverse.daemon.demo;

import io.paraverse.clone.CloneEndpoint;
import io.paraverse.clone.CloneResult;
import io.paraverse.clone.SnapshotClone;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.pipeline.PipelineStatus;
import io.paraverse.examples.mediawiki.MediaWiki14Workload;
import io.paraverse.examples.mediawiki.MediaWiki15Translator;
import io.paraverse.examples.mediawiki.MediaWikiEquality;
import io.paraverse.examples.mediawiki.UpgradeScript;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The product's main job on the shipped example: production runs MediaWiki 1.4 with editors writing; Paraverse clones
 * it, the clone is upgraded to the incompatible 1.5 schema while editing goes on, and production's 1.4 changes are
 * translated onto the 1.5 clone until it has caught up. Proof: a fresh 1.5 upgrade of production's final data equals
 * the clone (same pages and histories, modulo revision ids: examples/mediawiki/README.md).
 */
final class MediaWikiDemo {
    private static final String DB = "wiki";

    private MediaWikiDemo() { }

    /** Runs the demo; fills {@code summary}; returns whether the clone was proven equal. */
    static boolean run(Path work, boolean keep, int seconds, int writers, PrintStream out, Map<String, Object> summary) throws Exception {
        long t0 = System.nanoTime();
        out.println("Paraverse demo (MediaWiki 1.4 -> 1.5): production keeps editing while its clone is upgraded to an");
        out.println("incompatible schema; Paraverse translates production's changes onto the clone until it catches up.");
        out.println();
        out.print("1. starting three local MariaDB servers (production, clone, and a referee for the proof) ... ");
        List<MariaDbServer> servers = MariaDbServer.startAll(MariaDbOptions.source("mw-production").baseDir(work).keepData(keep),
                MariaDbOptions.target("mw-clone").baseDir(work).keepData(keep), MariaDbOptions.target("mw-referee").baseDir(work).keepData(keep));
        try (MariaDbServer prod = servers.get(0); MariaDbServer clone = servers.get(1); MariaDbServer referee = servers.get(2)) {
            out.printf("%.1f s%n", secs(t0));
            MediaWiki14Workload wiki = new MediaWiki14Workload(DB, System.nanoTime());
            out.println("2. production: MediaWiki 1.4 tables cur and old, 300 pages with 3 edits each");
            try (Connection c = prod.connect("")) {
                wiki.prepare(c, 300, 3);
            }
            MediaWiki14Workload.Stats stats = new MediaWiki14Workload.Stats();
            AtomicBoolean editing = new AtomicBoolean(true);
            AtomicReference<Throwable> editorError = new AtomicReference<>();
            List<Thread> editors = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Thread t = new Thread(() -> {
                    try (Connection c = prod.connect(DB)) {
                        wiki.run(c, editing::get, stats);
                    } catch (Throwable e) {
                        editorError.compareAndSet(null, e);
                    }
                }, "mw-editor-" + i);
                t.start();
                editors.add(t);
            }
            out.printf("3. %d editors create, edit, rename and delete pages on production from now on%n", writers);
            Pipeline pipeline;
            try {
                CloneResult cloned = SnapshotClone.run(endpoint(prod), endpoint(clone), SnapshotClone.Options.of(DB));
                out.printf("4. cloned %,d rows onto the clone at %s%n", cloned.totalRows(), cloned.clonePoint());
                long t1 = System.nanoTime();
                try (Connection c = clone.connect(DB)) {
                    UpgradeScript.run(c, UpgradeScript.UPGRADE_15);
                }
                out.printf("5. ran the 1.5 upgrade on the clone (page, revision, text) in %.1f s; production edited on: %s%n",
                        secs(t1), stats);
                pipeline = Pipeline.start(PipelineConfig.builder().name("mediawiki")
                        .source(new Endpoint("127.0.0.1", prod.port(), "root", prod.password()))
                        .target(new Endpoint("127.0.0.1", clone.port(), "root", clone.password()))
                        .journalDir(work.resolve("journal")).include(List.of(DB + ".*"))
                        .translator(new MediaWiki15Translator(DB)).startGtid(cloned.clonePoint().gtidPosition()).build());
                out.printf("6. translating production's 1.4 changes onto the 1.5 clone while editing goes on for %d s:%n", seconds);
                for (int s = 1; s <= seconds && editorError.get() == null && pipeline.failure() == null; s++) {
                    Thread.sleep(1000);
                    PipelineStatus st = pipeline.status();
                    out.printf("   %3d s  edits %,6d | captured %,8d row changes | applied %,8d | journal %,6d KiB%n", s, stats.total(),
                            st.rowsCaptured(), st.rowsApplied(), st.journalBytes() / 1024);
                }
            } finally {
                editing.set(false);
                for (Thread t : editors) {
                    t.join(30_000);
                }
            }
            if (editorError.get() != null) {
                throw new IllegalStateException("an editor failed: " + editorError.get().getMessage(), editorError.get());
            }
            try (Pipeline p = pipeline) {
                if (p.failure() != null) {
                    throw new IllegalStateException("the pipeline failed: " + p.failure().getMessage(), p.failure());
                }
                long t2 = System.nanoTime();
                p.awaitCaughtUp(prod.gtidBinlogPos(), Duration.ofMinutes(5));
                out.printf("7. editors stopped; the clone caught up %.2f s later (%,d row changes translated)%n", secs(t2), p.status().rowsApplied());
                summary.put("rowChangesApplied", p.status().rowsApplied());
            }
            out.println("8. the proof: a fresh copy of production's final data, upgraded on the referee, compared with the clone");
            SnapshotClone.run(endpoint(prod), endpoint(referee), SnapshotClone.Options.of(DB));
            try (Connection r = referee.connect(DB)) {
                UpgradeScript.run(r, UpgradeScript.UPGRADE_15);
            }
            MediaWikiEquality.Result result;
            try (Connection c = clone.connect(DB); Connection r = referee.connect(DB)) {
                result = MediaWikiEquality.compare(c, DB, r, DB);
            }
            out.println("   " + result);
            out.println(result.equal() ? "VERIFIED: the upgraded clone equals a fresh upgrade of production."
                    : "NOT VERIFIED: the upgraded clone differs from a fresh upgrade of production.");
            summary.put("example", "mediawiki");
            summary.put("edits", stats.total());
            summary.put("pages", result.pagesA());
            summary.put("revisions", result.revisionsA());
            return result.equal();
        }
    }

    private static CloneEndpoint endpoint(MariaDbServer s) {
        return new CloneEndpoint("127.0.0.1", s.port(), "root", s.password());
    }

    private static double secs(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
