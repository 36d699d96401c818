package io.paraverse.e2e;

import io.paraverse.cloud.local.SourceAndTarget;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.verify.TableComparison;
import io.paraverse.daemon.workload.SysbenchWorkload;
import io.paraverse.translator.IdentityTranslator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * While the clone is upgraded nothing may write to it, yet capture must go on: the pipeline captures with apply
 * paused (or paused later), the journal holds the backlog, and apply resumes from the checkpoint with nothing lost.
 */
class PipelineApplyPauseTest {
    @TempDir
    Path work;

    /** Parallel apply workers of the pipelines under test. */
    int workers() {
        return 1;
    }

    @Test
    void captureGoesOnWhileApplyIsPausedAndResumeCatchesUp() throws Exception {
        try (SourceAndTarget servers = SourceAndTarget.start("pause")) {
            SysbenchWorkload sb = new SysbenchWorkload("pz", 2, 2_000);
            try (Connection c = servers.source().connect("")) {
                sb.prepare(c);
            }
            var clone = io.paraverse.clone.SnapshotClone.run(
                    new io.paraverse.clone.CloneEndpoint("127.0.0.1", servers.source().port(), "root", servers.source().password()),
                    new io.paraverse.clone.CloneEndpoint("127.0.0.1", servers.target().port(), "root", servers.target().password()),
                    io.paraverse.clone.SnapshotClone.Options.of("pz"));
            PipelineConfig cfg = PipelineConfig.builder().name("pause")
                    .source(new Endpoint("127.0.0.1", servers.source().port(), "root", servers.source().password()))
                    .target(new Endpoint("127.0.0.1", servers.target().port(), "root", servers.target().password()))
                    .journalDir(work.resolve("journal")).include(List.of("pz.*")).startGtid(clone.clonePoint().gtidPosition())
                    .applyOnStart(false).applyWorkers(workers()).build();
            try (Pipeline p = Pipeline.start(cfg)) {
                assertFalse(p.applying());
                write(servers, sb, 300);
                waitFor(() -> p.status().rowsCaptured() >= 300 * SysbenchWorkload.ROW_CHANGES_PER_TRANSACTION / 2);
                Thread.sleep(300);
                assertEquals(0, p.status().rowsApplied(), "nothing is applied while apply is paused");
                assertFalse(equal(servers, sb), "the target has not seen the writes yet");

                p.resumeApply(new IdentityTranslator(), Map.of());
                p.awaitCaughtUp(servers.source().gtidBinlogPos(), Duration.ofMinutes(1));
                assertTrue(equal(servers, sb));

                p.pauseApply();
                write(servers, sb, 200);
                Thread.sleep(500);
                assertFalse(equal(servers, sb), "paused again: the new writes wait in the journal");
                p.resumeApply(new IdentityTranslator(), Map.of());
                p.awaitCaughtUp(servers.source().gtidBinlogPos(), Duration.ofMinutes(1));
                assertTrue(equal(servers, sb));
                IllegalStateException twice = assertThrows(IllegalStateException.class, () -> p.resumeApply(new IdentityTranslator(), Map.of()));
                assertTrue(twice.getMessage().contains("already running"), twice.getMessage());
            }
        }
    }

    @Test
    void captureWaitsWhenTheJournalReachesItsBudgetAndResumesOnceApplyFreesIt() throws Exception {
        try (SourceAndTarget servers = SourceAndTarget.start("budget")) {
            SysbenchWorkload sb = new SysbenchWorkload("pz", 2, 2_000);
            try (Connection c = servers.source().connect("")) {
                sb.prepare(c);
            }
            var clone = io.paraverse.clone.SnapshotClone.run(
                    new io.paraverse.clone.CloneEndpoint("127.0.0.1", servers.source().port(), "root", servers.source().password()),
                    new io.paraverse.clone.CloneEndpoint("127.0.0.1", servers.target().port(), "root", servers.target().password()),
                    io.paraverse.clone.SnapshotClone.Options.of("pz"));
            long budget = 512 * 1024;
            PipelineConfig cfg = PipelineConfig.builder().name("budget")
                    .source(new Endpoint("127.0.0.1", servers.source().port(), "root", servers.source().password()))
                    .target(new Endpoint("127.0.0.1", servers.target().port(), "root", servers.target().password()))
                    .journalDir(work.resolve("journal-b")).include(List.of("pz.*")).startGtid(clone.clonePoint().gtidPosition())
                    .applyOnStart(false).journalBudgetBytes(budget).applyWorkers(workers()).build();
            try (Pipeline p = Pipeline.start(cfg)) {
                write(servers, sb, 3_000); // far more than 512 KiB of row changes
                waitFor(p::captureHeldByBudget);
                long held = p.status().rowsCaptured();
                Thread.sleep(1_500);
                assertEquals(held, p.status().rowsCaptured(), "nothing is captured while the journal is at its budget");
                assertTrue(p.status().journalBytes() >= budget, "the journal reached the budget: " + p.status().journalBytes());

                p.resumeApply(new IdentityTranslator(), Map.of()); // apply frees segments; capture resumes below 70%
                p.awaitCaughtUp(servers.source().gtidBinlogPos(), Duration.ofMinutes(2));
                assertFalse(p.captureHeldByBudget());
                assertTrue(equal(servers, sb), "nothing was lost while capture waited");
            }
        }
    }

    private static void write(SourceAndTarget servers, SysbenchWorkload sb, long tx) throws Exception {
        try (Connection c = servers.source().connect("pz")) {
            sb.run(c, tx, () -> true, new AtomicLong());
        }
    }

    private static boolean equal(SourceAndTarget servers, SysbenchWorkload sb) throws Exception {
        try (Connection s = servers.source().connect("pz"); Connection t = servers.target().connect("pz")) {
            return TableComparison.allEqual(TableComparison.compare(s, t, "pz", sb.tableNames()));
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check c) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!c.ok()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(50);
        }
    }
}
