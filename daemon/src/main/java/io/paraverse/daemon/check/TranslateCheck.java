package io.paraverse.daemon.check;

import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.applier.Applier;
import io.paraverse.applier.ApplierOptions;
import io.paraverse.applier.TargetDataSource;
import io.paraverse.daemon.WorkDirs;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.journal.JournalOptions;
import io.paraverse.journal.JournalWriter;
import io.paraverse.journal.SegmentJournal;
import io.paraverse.translator.Commit;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.Translator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The conformance check: do the translators agree with the real upgrade? Translators duplicate the upgrade's logic
 * and may silently disagree with it; this makes the disagreement visible before catch-up relies on them.
 * <ol>
 * <li>Before the upgrade runs on the clone, {@link #snapshotOldTables} keeps a copy of the old-schema tables (the
 * clone-point data) in a side schema.</li>
 * <li>After the upgrade, {@link #run} feeds every row of that copy through the translators as the INSERT capture would
 * have produced, through the real journal and applier, into a scratch schema with the upgraded tables' structure;
 * then compares each upgraded table with its translated twin, rows matched by a key of the operator's choice (a
 * natural key where ids legitimately differ) and reports per table the keys that differ and how.</li>
 * </ol>
 */
public final class TranslateCheck {
    private static final Logger log = LoggerFactory.getLogger(TranslateCheck.class);
    private static final int ROWS_PER_TRANSACTION = 1_000;

    /** How to compare one upgraded table: the columns that identify a row on both sides, and columns not compared. */
    public record Compare(String table, List<String> matchKey, Set<String> ignore) {
        public Compare {
            Objects.requireNonNull(table, "table");
            matchKey = List.copyOf(matchKey);
            ignore = Set.copyOf(ignore);
            if (matchKey.isEmpty()) {
                throw new IllegalArgumentException("compare " + table + ": give the columns that identify a row (match key)");
            }
        }
    }

    /**
     * @param server         the clone (MariaDB) where the snapshot, the upgraded tables and the scratch schema live
     * @param snapshotSchema where {@link #snapshotOldTables} kept the old tables
     * @param sourceSchema   the schema name the translators expect on their changes (production's)
     * @param sourceTables   old tables to feed, in this order (parents before children if translators look rows up)
     * @param upgradedSchema the schema the upgrade produced on the clone
     */
    public record Config(String name, Endpoint server, String snapshotSchema, String sourceSchema, List<String> sourceTables,
                         String upgradedSchema, Translator translator, Map<String, String> translatorConfig, List<Compare> compare,
                         Path workDir, boolean keepScratch) {
        public Config {
            if (!Objects.requireNonNull(name, "name").matches("[A-Za-z0-9_]{1,40}")) {
                throw new IllegalArgumentException("name: 1-40 letters, digits or '_', got '" + name + "'");
            }
            sourceTables = List.copyOf(sourceTables);
            compare = List.copyOf(compare);
            translatorConfig = Map.copyOf(translatorConfig);
        }

        String scratchSchema() {
            return "paraverse_check_" + name;
        }

        String pipeline() {
            return "check-" + name;
        }
    }

    /** The outcome: rows fed and one report per compared table. */
    public record Result(long rowsTranslated, List<TableDiff.Report> tables) {
        public boolean equal() {
            return tables.stream().allMatch(TableDiff.Report::equal);
        }
    }

    private TranslateCheck() { }

    /** Copies the old-schema tables into {@code snapshotSchema} on the clone (run before the upgrade). */
    public static void snapshotOldTables(Endpoint clone, String schema, String snapshotSchema, List<String> tables) throws SQLException {
        try (Connection c = connect(clone); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + q(snapshotSchema));
            for (String t : tables) {
                st.execute("DROP TABLE IF EXISTS " + q(snapshotSchema) + "." + q(t));
                st.execute("CREATE TABLE " + q(snapshotSchema) + "." + q(t) + " LIKE " + q(schema) + "." + q(t));
                st.execute("INSERT INTO " + q(snapshotSchema) + "." + q(t) + " SELECT * FROM " + q(schema) + "." + q(t));
            }
        }
        log.info("kept the old tables {} of {} in {} for translate-check", tables, schema, snapshotSchema);
    }

    public static Result run(Config config) throws SQLException {
        String scratch = config.scratchSchema();
        try (Connection c = connect(config.server()); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + q(scratch));
            st.execute("CREATE DATABASE " + q(scratch));
            // every upgraded table, not only the compared ones: the translators may write any of them
            for (String table : baseTables(c, config.upgradedSchema())) {
                st.execute("CREATE TABLE " + q(scratch) + "." + q(table) + " LIKE " + q(config.upgradedSchema()) + "." + q(table));
            }
            forgetEarlierRun(st, config.pipeline());
        }
        Path journalDir = config.workDir().resolve("translate-check-" + config.name());
        WorkDirs.delete(journalDir);
        long rows;
        try (SegmentJournal journal = SegmentJournal.open(journalDir, JournalOptions.defaults())) {
            rows = feed(config, journal.writer());
            try (HikariDataSource pool = TargetDataSource.create(config.server().jdbcUrl(""), config.server().user(), config.server().password(), 2)) {
                // the translators write where they would write the upgraded tables, redirected to the scratch schema
                TranslationContext ctx = TranslationContext.of(config.translatorConfig(), Map.of(config.sourceSchema(), scratch));
                new Applier(pool, config.translator(), ctx, ApplierOptions.defaults(config.pipeline())).runUntilCaughtUp(journal.readAfter(0));
            }
        } finally {
            WorkDirs.delete(journalDir);
        }
        List<TableDiff.Report> reports = new ArrayList<>();
        try (Connection c = connect(config.server())) {
            for (Compare cmp : config.compare()) {
                reports.add(TableDiff.compare(c, q(scratch) + "." + q(cmp.table()), q(config.upgradedSchema()) + "." + q(cmp.table()),
                        config.upgradedSchema() + "." + cmp.table(), cmp.matchKey(), cmp.ignore()));
            }
            if (!config.keepScratch()) {
                try (Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS " + q(scratch));
                    forgetEarlierRun(st, config.pipeline());
                }
            }
        }
        reports.forEach(r -> log.info("translate-check {}", r));
        return new Result(rows, reports);
    }

    /** Writes every snapshot row into the journal as captured INSERTs, a transaction per 1,000 rows. */
    private static long feed(Config config, JournalWriter writer) throws SQLException {
        long[] n = {0};
        try (Connection c = connect(config.server())) {
            for (String table : config.sourceTables()) {
                TableDef def = SnapshotChanges.tableDef(c, config.snapshotSchema(), table, config.sourceSchema());
                SnapshotChanges.read(c, config.snapshotSchema(), def, position(n[0] + 1), change -> {
                    writer.append(change);
                    if (++n[0] % ROWS_PER_TRANSACTION == 0) {
                        writer.commit(new Commit(position(n[0]), 0));
                    }
                });
            }
        }
        writer.commit(new Commit(position(n[0] + 1), 0));
        writer.sync();
        return n[0];
    }

    private static SourcePosition position(long n) {
        return new SourcePosition("0-0-" + n, "0-0-" + n, "translate-check", n);
    }

    /** A previous check's checkpoint and id maps would make the applier skip rows or reuse ids. */
    private static void forgetEarlierRun(Statement st, String pipeline) throws SQLException {
        for (String table : List.of("apply_checkpoint", "id_map", "id_allocator")) {
            try {
                st.execute("DELETE FROM paraverse." + table + " WHERE pipeline='" + pipeline + "'");
            } catch (SQLException e) {
                if (e.getErrorCode() != 1146 && e.getErrorCode() != 1049) { // no such table/schema yet: nothing to forget
                    throw e;
                }
            }
        }
    }

    private static List<String> baseTables(Connection c, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (var ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA=? AND TABLE_TYPE='BASE TABLE'")) {
            ps.setString(1, schema);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the upgraded schema " + schema + " has no tables on the clone: run the upgrade first");
        }
        return out;
    }

    private static Connection connect(Endpoint e) throws SQLException {
        return DriverManager.getConnection(e.jdbcUrl(""), e.user(), e.password());
    }

    private static String q(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
