package io.paraverse.e2e;

import io.paraverse.clone.CloneEndpoint;
import io.paraverse.clone.CloneResult;
import io.paraverse.clone.SnapshotClone;
import io.paraverse.clone.TableRef;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.cloud.local.SourceAndTarget;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.verify.TableComparison;
import io.paraverse.daemon.workload.SysbenchWorkload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue #3, first step end to end: the target starts empty, is cloned from a consistent snapshot while sysbench
 * writers run on the source, and the pipeline started at the clone point's GTID carries every later change: after
 * catching up, every table on the target equals the source (no transaction lost or applied twice).
 */
class SnapshotCloneTest {
    private static MariaDbServer source;
    private static MariaDbServer target;

    @TempDir
    Path work;

    private static SourceAndTarget servers;

    @BeforeAll
    static void servers() {
        servers = SourceAndTarget.start("clone");
        source = servers.source();
        target = servers.target();
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    @Test
    void cloneAtSnapshotThenPipelineFromClonePointConverges() throws Exception {
        SysbenchWorkload sysbench = new SysbenchWorkload("snapclone", 3, 20_000);
        try (Connection c = source.connect("")) {
            sysbench.prepare(c);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        AtomicLong rowChanges = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = source.connect(sysbench.schema())) {
                    sysbench.run(c, Long.MAX_VALUE, writing::get, rowChanges);
                } catch (Throwable e) {
                    writerError.compareAndSet(null, e);
                }
            }, "sysbench-" + i);
            t.start();
            writers.add(t);
        }
        Pipeline pipeline = null;
        try {
            while (rowChanges.get() < 500 && writerError.get() == null) {
                Thread.sleep(10);
            }
            long before = rowChanges.get();
            CloneResult clone = SnapshotClone.run(
                    new CloneEndpoint(source.host(), source.port(), source.user(), source.password()),
                    new CloneEndpoint(target.host(), target.port(), target.user(), target.password()),
                    SnapshotClone.Options.of(sysbench.schema() + ".*").withChunkRows(1_000));
            assertTrue(rowChanges.get() > before, "writers were running during the clone");
            for (String t : sysbench.tableNames()) {
                assertTrue(clone.rowsCopied().get(new TableRef(sysbench.schema(), t)) > 0, t);
            }
            PipelineConfig cfg = PipelineConfig.builder().name("snapclone")
                    .source(new Endpoint("127.0.0.1", source.port(), "root", source.password()))
                    .target(new Endpoint("127.0.0.1", target.port(), "root", target.password()))
                    .journalDir(work.resolve("journal")).include(List.of(sysbench.schema() + ".*"))
                    .startGtid(clone.clonePoint().gtidPosition()).build();
            pipeline = Pipeline.start(cfg);
            Thread.sleep(1_000); // let the writers run while the pipeline is live too
        } finally {
            writing.set(false);
            for (Thread t : writers) {
                t.join(30_000);
            }
        }
        try (Pipeline p = pipeline) {
            assertNull(writerError.get(), () -> "writer failed: " + writerError.get());
            p.awaitCaughtUp(source.gtidBinlogPos(), Duration.ofMinutes(2));
            try (Connection s = source.connect(""); Connection t = target.connect("")) {
                List<TableComparison.TableResult> results = TableComparison.compare(s, t, sysbench.schema(), sysbench.tableNames());
                results.forEach(r -> System.err.println(r));
                assertTrue(TableComparison.allEqual(results), results.toString());
            }
        }
    }
}
