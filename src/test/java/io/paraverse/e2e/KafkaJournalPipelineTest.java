package io.paraverse.e2e;

import io.paraverse.cloud.local.SourceAndTarget;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.verify.TableComparison;
import io.paraverse.daemon.workload.SysbenchWorkload;
import io.paraverse.journal.kafka.EmbeddedKafka;
import io.paraverse.journal.kafka.KafkaJournal;
import io.paraverse.journal.kafka.KafkaJournalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's pipeline with the Kafka journal: capture from a real MariaDB source into a topic of a real broker
 * (KRaft, in this JVM), apply from it to a real target, while writers run on the source; the pipeline is restarted
 * in between (capture resumes after the topic's last commit, apply after the target's checkpoint). The target must
 * end equal to the source, table by table.
 */
class KafkaJournalPipelineTest {
    @TempDir
    Path work;

    @Test
    void pipelineThroughKafkaConvergesWhileWritersRunAcrossARestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); SourceAndTarget servers = SourceAndTarget.start("kafkapipe")) {
            List<SysbenchWorkload> workloads = List.of(new SysbenchWorkload("kj1", 2, 1_000), new SysbenchWorkload("kj2", 2, 1_000));
            try (Connection c = servers.source().connect("")) {
                for (SysbenchWorkload w : workloads) {
                    w.prepare(c);
                }
            }
            var clone = io.paraverse.clone.SnapshotClone.run(
                    new io.paraverse.clone.CloneEndpoint("127.0.0.1", servers.source().port(), "root", servers.source().password()),
                    new io.paraverse.clone.CloneEndpoint("127.0.0.1", servers.target().port(), "root", servers.target().password()),
                    io.paraverse.clone.SnapshotClone.Options.of("kj1", "kj2"));
            KafkaJournalOptions journal = KafkaJournalOptions.of(kafka.bootstrap(), "paraverse-journal-kafkapipe");
            PipelineConfig cfg = PipelineConfig.builder().name("kafkapipe")
                    .source(new Endpoint("127.0.0.1", servers.source().port(), "root", servers.source().password()))
                    .target(new Endpoint("127.0.0.1", servers.target().port(), "root", servers.target().password()))
                    .journalDir(work.resolve("unused")).kafkaJournal(journal)
                    .include(List.of("kj1.*", "kj2.*")).startGtid(clone.clonePoint().gtidPosition()).build();

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> writerError = new AtomicReference<>();
            AtomicLong rowChanges = new AtomicLong();
            List<Thread> writers = workloads.stream().map(w -> {
                Thread t = new Thread(() -> {
                    try (Connection c = servers.source().connect(w.schema())) {
                        while (writing.get()) {
                            w.run(c, 20, writing::get, rowChanges);
                            Thread.sleep(5);
                        }
                    } catch (Throwable e) {
                        writerError.compareAndSet(null, e);
                    }
                }, "writer-" + w.schema());
                t.start();
                return t;
            }).toList();

            try (Pipeline p = Pipeline.start(cfg)) {
                waitFor(() -> p.status().rowsApplied() > 2_000);
                assertNull(p.failure());
            }
            assertFalse(work.resolve("unused").toFile().exists(), "the file journal was not used");
            long beforeRestart = rowChanges.get();
            Thread.sleep(1_000); // writes while the pipeline is down: the source binlog keeps them
            try (Pipeline p = Pipeline.start(cfg)) {
                waitFor(() -> rowChanges.get() > beforeRestart + 3_000);
                writing.set(false);
                for (Thread t : writers) {
                    t.join(30_000);
                }
                assertNull(writerError.get(), () -> "writer failed: " + writerError.get());
                p.awaitCaughtUp(servers.source().gtidBinlogPos(), Duration.ofMinutes(2));
                assertTrue(p.status().journalBytes() > 0, "the journal's size comes from the broker");
                for (SysbenchWorkload w : workloads) {
                    try (Connection s = servers.source().connect(w.schema()); Connection t = servers.target().connect(w.schema())) {
                        var diff = TableComparison.compare(s, t, w.schema(), w.tableNames());
                        assertTrue(TableComparison.allEqual(diff), () -> "target differs from source: " + diff);
                    }
                }
            }
            String sourceGtid = servers.source().gtidBinlogPos();
            try (KafkaJournal j = KafkaJournal.open(journal)) {
                assertEquals(sourceGtid, j.lastCommit().orElseThrow().position().gtidPosition(),
                        "the topic's last commit is the source's last transaction");
            }
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check c) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!c.ok()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(50);
        }
    }
}
