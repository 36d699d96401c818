package io.paraverse.e2e;

import io.paraverse.capture.DdlEvent;
import io.paraverse.clone.CloneEndpoint;
import io.paraverse.clone.SnapshotClone;
import io.paraverse.cloud.local.SourceAndTarget;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Default source-DDL policy: capture stops at the first schema change of a captured table, journals nothing after it,
 * and names the statement; once the operator acknowledges that GTID (having prepared the clone), a restarted
 * pipeline passes it and carries on with nothing lost.
 */
class SourceDdlPauseTest {
    @TempDir
    Path work;

    @Test
    void captureStopsAtSourceDdlUntilItIsAcknowledged() throws Exception {
        try (SourceAndTarget servers = SourceAndTarget.start("ddl")) {
            servers.source().execute("CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, v INT)",
                    "INSERT INTO app.t SELECT seq, seq FROM mysql.seq_1_to_100");
            var clone = SnapshotClone.run(new CloneEndpoint("127.0.0.1", servers.source().port(), "root", servers.source().password()),
                    new CloneEndpoint("127.0.0.1", servers.target().port(), "root", servers.target().password()), SnapshotClone.Options.of("app"));
            PipelineConfig.Builder cfg = PipelineConfig.builder().name("ddl")
                    .source(new Endpoint("127.0.0.1", servers.source().port(), "root", servers.source().password()))
                    .target(new Endpoint("127.0.0.1", servers.target().port(), "root", servers.target().password()))
                    .journalDir(work.resolve("journal")).include(List.of("app.*")).startGtid(clone.clonePoint().gtidPosition());
            servers.source().execute("UPDATE app.t SET v = v + 1000 WHERE id <= 10");
            String beforeDdl = servers.source().gtidBinlogPos();
            servers.source().execute("ALTER TABLE app.t ADD COLUMN note VARCHAR(20) NULL");
            String ddlGtid = servers.source().gtidBinlogPos();
            servers.source().execute("UPDATE app.t SET v = v + 1000, note = 'after' WHERE id > 90");

            DdlEvent blocked;
            try (Pipeline p = Pipeline.start(cfg.build())) {
                p.awaitCaughtUp(beforeDdl, Duration.ofMinutes(1));
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (p.blockedDdl() == null && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                blocked = p.blockedDdl();
                assertNotNull(blocked, "capture must stop at the ALTER");
                assertTrue(blocked.sql().contains("ADD COLUMN note"), blocked.sql());
                Thread.sleep(500);
                assertEquals(10L, count(servers, "SELECT COUNT(*) FROM app.t WHERE v > 1000"), "changes before the DDL are applied");
            }
            assertEquals(ddlGtid.substring(ddlGtid.lastIndexOf('-') + 1), blocked.position().gtid().substring(blocked.position().gtid().lastIndexOf('-') + 1));
            // the operator prepares the clone for the change, then lets it through
            servers.target().execute("ALTER TABLE app.t ADD COLUMN note VARCHAR(20) NULL");
            try (Pipeline p = Pipeline.start(cfg.acknowledgedDdl(Set.of(blocked.position().gtid())).build())) {
                p.awaitCaughtUp(servers.source().gtidBinlogPos(), Duration.ofMinutes(1));
                assertNull(p.blockedDdl());
            }
            assertEquals(10L, count(servers, "SELECT COUNT(*) FROM app.t WHERE note = 'after'"), "changes after the DDL arrive once acknowledged");
            assertEquals(20L, count(servers, "SELECT COUNT(*) FROM app.t WHERE v > 1000"));
        }
    }

    private static long count(SourceAndTarget s, String sql) throws Exception {
        try (Connection c = s.target().connect(""); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Copies id and v only, whatever columns the source table gains: it accepts schema changes of app.t. */
    static final class IdAndValueTranslator extends io.paraverse.translator.AbstractTranslator {
        IdAndValueTranslator() {
            super("app.t");
        }

        @Override
        public List<io.paraverse.translator.TargetOp> translate(io.paraverse.translator.RowChange c, io.paraverse.translator.TranslationContext ctx) {
            var t = new io.paraverse.translator.TargetTable(ctx.targetSchema("app"), "t", List.of("id", "v"), List.of("id"));
            return switch (c.op()) {
                case DELETE -> List.of(new io.paraverse.translator.TargetOp.Delete(t, List.of(c.before("id"))));
                default -> List.of(new io.paraverse.translator.TargetOp.Upsert(t, java.util.Arrays.asList(c.after("id"), c.after("v"))));
            };
        }

        @Override
        public boolean acceptsSchemaChange(io.paraverse.translator.SchemaChange change) {
            return change.sql().contains("app.t");
        }
    }

    @Test
    void underTheTranslatorPolicyADdlTheTranslatorsAcceptPasses() throws Exception {
        try (SourceAndTarget servers = SourceAndTarget.start("ddlt")) {
            servers.source().execute("CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, v INT)",
                    "INSERT INTO app.t SELECT seq, seq FROM mysql.seq_1_to_100");
            var clone = SnapshotClone.run(new CloneEndpoint("127.0.0.1", servers.source().port(), "root", servers.source().password()),
                    new CloneEndpoint("127.0.0.1", servers.target().port(), "root", servers.target().password()), SnapshotClone.Options.of("app"));
            servers.source().execute("ALTER TABLE app.t ADD COLUMN note VARCHAR(20) NULL",
                    "UPDATE app.t SET v = v + 1000, note = 'after' WHERE id > 90");
            PipelineConfig cfg = PipelineConfig.builder().name("ddlt")
                    .source(new Endpoint("127.0.0.1", servers.source().port(), "root", servers.source().password()))
                    .target(new Endpoint("127.0.0.1", servers.target().port(), "root", servers.target().password()))
                    .journalDir(work.resolve("journal-t")).include(List.of("app.*")).startGtid(clone.clonePoint().gtidPosition())
                    .translator(new IdAndValueTranslator()).ddlPolicy(PipelineConfig.DdlPolicy.TRANSLATOR).build();
            try (Pipeline p = Pipeline.start(cfg)) {
                p.awaitCaughtUp(servers.source().gtidBinlogPos(), Duration.ofMinutes(1));
                assertNull(p.blockedDdl(), "the translator accepted the ALTER");
            }
            assertEquals(10L, count(servers, "SELECT COUNT(*) FROM app.t WHERE v > 1000"), "rows after the DDL arrived, translated");
        }
    }
}
