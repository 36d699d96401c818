package io.paraverse.daemon.migration.config;

import io.paraverse.capture.PreflightCheck;
import io.paraverse.cloud.local.MariaDbBinaries;
import io.paraverse.daemon.clone.CloneRun;
import io.paraverse.daemon.migration.config.CheckResult.Status;
import io.paraverse.translator.TranslatorRegistry;
import io.paraverse.translator.mapping.MappingException;
import io.paraverse.translator.mapping.MappingFile;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The preflight checks, one small class each; none changes anything anywhere. */
final class PreflightChecks {
    private PreflightChecks() { }

    /** One check: one or more rows of the table. */
    interface Check {
        List<CheckResult> run(PreflightContext ctx);
    }

    /** In the order they are printed. */
    static List<Check> all() {
        return List.of(new Credentials(), new SourceReachable(), new SourceBinlog(), new SourceGrants(),
                new PrimaryKeys(), new BinlogRetention(), new TargetServer(), new TargetEmpty(), new JournalDisk(),
                new DatadirDisk(), new TranslatorNames(), new Mappings(), new UpgradeSql(), new UpgradeCommand());
    }

    private static List<CheckResult> one(CheckResult r) {
        return List.of(r);
    }

    private static List<CheckResult> sourceDown(String check, PreflightContext ctx) {
        return one(CheckResult.warn(check, "not checked: the source is not reachable"));
    }

    static final class Credentials implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            List<CheckResult> out = new ArrayList<>();
            String src = ctx.config.source().password();
            out.add(ctx.sourcePasswordError() == null ? CheckResult.pass("source credentials", src + " resolves")
                    : CheckResult.fail("source credentials", ctx.sourcePasswordError()));
            if (ctx.isExisting()) {
                String tgt = ctx.config.target().password();
                out.add(ctx.targetPasswordError() == null ? CheckResult.pass("target credentials", tgt + " resolves")
                        : CheckResult.fail("target credentials", ctx.targetPasswordError()));
            }
            return out;
        }
    }

    static final class SourceReachable implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            Optional<Connection> c = ctx.source();
            if (c.isEmpty()) {
                return one(CheckResult.fail("source reachable", ctx.sourceError()));
            }
            try (Statement st = c.get().createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
                rs.next();
                return one(CheckResult.pass("source reachable", ctx.config.source().address() + " as "
                        + ctx.config.source().user() + ": " + rs.getString(1)));
            } catch (SQLException e) {
                return one(CheckResult.fail("source reachable", "connected, but SELECT VERSION() failed: " + e.getMessage()));
            }
        }
    }

    /** log_bin, binlog_format, binlog_row_image, binlog_row_metadata, gtid, ...: the capture's own checks. */
    static final class SourceBinlog implements Check {
        private static final List<String> NAMES = List.of("connection", "log_bin", "binlog_format", "binlog_row_image",
                "binlog_row_metadata", "gtid", "log_bin_compress", "server_id");

        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            if (ctx.source().isEmpty()) {
                return sourceDown("source binlog", ctx);
            }
            List<CheckResult> out = new ArrayList<>();
            for (PreflightCheck pc : ctx.captureChecks()) {
                if (NAMES.contains(pc.name())) {
                    out.add(new CheckResult("source " + pc.name(), pc.ok() ? Status.PASS : Status.FAIL, pc.message()));
                }
            }
            return out;
        }
    }

    static final class SourceGrants implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            if (ctx.source().isEmpty()) {
                return sourceDown("source grants", ctx);
            }
            return ctx.captureCheck("grants")
                    .map(pc -> new CheckResult("source grants", pc.ok() ? Status.PASS : Status.FAIL, pc.message()))
                    .map(PreflightChecks::one).orElse(List.of());
        }
    }

    /** Tables without a primary key: the chunked method cannot copy them (FAIL); otherwise catch-up is unreliable (WARN). */
    static final class PrimaryKeys implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            if (ctx.source().isEmpty()) {
                return sourceDown("primary keys", ctx);
            }
            boolean chunked = ctx.config.cloneOrDefault().methodValue() == CloneRun.Method.CHUNKED;
            return ctx.captureCheck("primary_keys").map(pc -> {
                if (pc.ok()) {
                    return CheckResult.pass("primary keys", pc.message());
                }
                return chunked ? CheckResult.fail("primary keys", pc.message() + " (method chunked copies by primary key)")
                        : CheckResult.warn("primary keys", pc.message() + " (catch-up cannot apply updates and deletes to them reliably)");
            }).map(PreflightChecks::one).orElse(List.of());
        }
    }

    /** The source must keep binlogs for the whole upgrade, with a safety factor of 2. */
    static final class BinlogRetention implements Check {
        static final int SAFETY = 2;

        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            String check = "binlog retention";
            if (ctx.source().isEmpty()) {
                return sourceDown(check, ctx);
            }
            Map<String, String> vars = new HashMap<>();
            try (Statement st = ctx.source().get().createStatement(); ResultSet rs = st.executeQuery(
                    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('expire_logs_days', 'binlog_expire_logs_seconds')")) {
                while (rs.next()) {
                    vars.put(rs.getString(1).toLowerCase(), rs.getString(2));
                }
            } catch (SQLException e) {
                return one(CheckResult.fail(check, "cannot read the retention settings: " + e.getMessage()));
            }
            long seconds = 0;
            String from = null;
            if (vars.get("binlog_expire_logs_seconds") != null && Double.parseDouble(vars.get("binlog_expire_logs_seconds")) > 0) {
                seconds = (long) Double.parseDouble(vars.get("binlog_expire_logs_seconds"));
                from = "binlog_expire_logs_seconds=" + vars.get("binlog_expire_logs_seconds");
            } else if (vars.get("expire_logs_days") != null && Double.parseDouble(vars.get("expire_logs_days")) > 0) {
                seconds = (long) (Double.parseDouble(vars.get("expire_logs_days")) * 86400);
                from = "expire_logs_days=" + vars.get("expire_logs_days");
            }
            Duration expected = ctx.config.upgradeOrEmpty().expectedDurationValue();
            if (seconds <= 0) {
                return one(CheckResult.pass(check, "binlogs are not purged automatically (expire_logs_days and"
                        + " binlog_expire_logs_seconds are 0); purge by hand only what the migration has captured"));
            }
            String kept = Durations.format(Duration.ofSeconds(seconds)) + " (" + from + ")";
            if (expected == null) {
                return one(CheckResult.warn(check, "binlogs are kept " + kept + "; upgrade.expected_duration is not set,"
                        + " so it cannot be compared: set it"));
            }
            Duration needed = expected.multipliedBy(SAFETY);
            String fix = ": SET GLOBAL binlog_expire_logs_seconds=" + needed.getSeconds() + " (and in the server configuration)";
            if (seconds < expected.getSeconds()) {
                return one(CheckResult.fail(check, "binlogs are kept " + kept + ", less than the upgrade's expected "
                        + Durations.format(expected) + ": changes made meanwhile would be purged before capture reads them" + fix));
            }
            if (seconds < needed.getSeconds()) {
                return one(CheckResult.warn(check, "binlogs are kept " + kept + ", less than " + SAFETY + " x the upgrade's expected "
                        + Durations.format(expected) + " = " + Durations.format(needed) + fix));
            }
            return one(CheckResult.pass(check, "binlogs are kept " + kept + " >= " + SAFETY + " x expected upgrade "
                    + Durations.format(expected)));
        }
    }

    /** existing: connect; local: the MariaDB programs and a writable datadir location. */
    static final class TargetServer implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            if (ctx.config.target().kind() == MigrationConfig.Target.Kind.EC2) { // launching one costs money: not here
                return one(CheckResult.pass("target (ec2)", "settings valid; the instance is launched when the migration"
                        + " starts (cloud/README-ec2.md)"));
            }
            if (ctx.isExisting()) {
                Optional<Connection> c = ctx.target();
                if (c.isEmpty()) {
                    return one(CheckResult.fail("target reachable", ctx.targetError()));
                }
                try (Statement st = c.get().createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
                    rs.next();
                    return one(CheckResult.pass("target reachable", ctx.config.target().effectiveJdbcUrl() + " as "
                            + ctx.config.target().user() + ": " + rs.getString(1)));
                } catch (SQLException e) {
                    return one(CheckResult.fail("target reachable", e.getMessage()));
                }
            }
            List<CheckResult> out = new ArrayList<>();
            MigrationConfig.Target t = ctx.config.target();
            try {
                MariaDbBinaries b = t.binDir() == null ? MariaDbBinaries.locate() : MariaDbBinaries.locate(Path.of(t.binDir()));
                out.add(CheckResult.pass("target binaries", b.mariadbd() + " and " + b.installDb()));
            } catch (IllegalStateException e) {
                out.add(CheckResult.fail("target binaries", e.getMessage()));
            }
            Path dir = t.datadirPath();
            Path existing = PreflightContext.existingAncestor(dir);
            if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
                out.add(CheckResult.fail("target datadir", dir + " cannot be created: " + (existing == null ? "no existing parent"
                        : existing + " is not a writable directory")));
            } else {
                Path server = dir.resolve(ctx.config.name());
                out.add(Files.exists(server.resolve("data"))
                        ? CheckResult.warn("target datadir", server + " already holds a datadir: the migration '"
                        + ctx.config.name() + "' resumes on it if it is its own, otherwise remove it")
                        : CheckResult.pass("target datadir", dir + (existing.equals(dir) ? " is writable" : " can be created (in " + existing + ")")));
            }
            return out;
        }
    }

    /** existing: the included schemas must hold no tables unless overwrite (method existing: they must hold the backup). */
    static final class TargetEmpty implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            if (!ctx.isExisting()) {
                return List.of();
            }
            String check = "target schemas";
            Optional<Connection> c = ctx.target();
            if (c.isEmpty()) {
                return one(CheckResult.warn(check, "not checked: the target is not reachable"));
            }
            List<String> schemas = ctx.config.cloneOrDefault().schemas();
            List<String> nonEmpty = new ArrayList<>();
            String sql = "SELECT TABLE_SCHEMA, COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ("
                    + String.join(",", Collections.nCopies(schemas.size(), "?")) + ") GROUP BY TABLE_SCHEMA ORDER BY TABLE_SCHEMA";
            try (PreparedStatement ps = c.get().prepareStatement(sql)) {
                for (int i = 0; i < schemas.size(); i++) {
                    ps.setString(i + 1, schemas.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        nonEmpty.add("`" + rs.getString(1) + "` has " + rs.getLong(2) + " table" + (rs.getLong(2) == 1 ? "" : "s"));
                    }
                }
            } catch (SQLException e) {
                return one(CheckResult.fail(check, "cannot list the target's tables: " + e.getMessage()));
            }
            boolean restored = ctx.config.cloneOrDefault().methodValue() == CloneRun.Method.EXISTING;
            if (restored) {
                return one(nonEmpty.isEmpty()
                        ? CheckResult.fail(check, "method existing expects the restored backup on the target, but "
                        + String.join(", ", schemas) + " hold no tables")
                        : CheckResult.pass(check, "holds the restored backup (" + String.join(", ", nonEmpty) + "); verified against the source at clone"));
            }
            if (nonEmpty.isEmpty()) {
                return one(CheckResult.pass(check, String.join(", ", schemas) + ": no tables yet"));
            }
            return one(ctx.config.target().overwriteAllowed()
                    ? CheckResult.warn(check, "not empty: " + String.join(", ", nonEmpty) + "; overwrite is true: cloned tables are recreated")
                    : CheckResult.fail(check, "not empty: " + String.join(", ", nonEmpty)
                    + ". Empty them, choose other schemas, or set target.overwrite: true (cloned tables are recreated)"));
        }
    }

    /** Free space where the journal lives vs journal.disk_budget. */
    static final class JournalDisk implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            String check = "disk journal";
            Path dir = ctx.config.journal().dirPath();
            Path existing = PreflightContext.existingAncestor(dir);
            if (existing == null) {
                return one(CheckResult.fail(check, dir + ": no existing parent directory"));
            }
            if (!Files.isWritable(existing)) {
                return one(CheckResult.fail(check, existing + " is not writable: the journal cannot be " + (existing.equals(dir) ? "written" : "created")));
            }
            long free;
            try {
                free = Files.getFileStore(existing).getUsableSpace();
            } catch (IOException e) {
                return one(CheckResult.fail(check, "cannot read the free space at " + existing + ": " + e.getMessage()));
            }
            Long budget = ctx.config.journal().diskBudgetBytes();
            if (budget == null) {
                return one(CheckResult.warn(check, Sizes.format(free) + " free at " + existing
                        + "; journal.disk_budget is not set: the backlog of an upgrade can be large, set a budget"));
            }
            if (free < budget) {
                return one(CheckResult.fail(check, "only " + Sizes.format(free) + " free at " + existing + ", less than the"
                        + " journal.disk_budget " + Sizes.format(budget) + " (" + ctx.config.journal().diskBudget() + ")"));
            }
            return one(CheckResult.pass(check, Sizes.format(free) + " free at " + existing + " >= disk_budget " + Sizes.format(budget)));
        }
    }

    /** local: free space at the datadir vs the size of the included source data. */
    static final class DatadirDisk implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            if (ctx.isExisting() || ctx.config.target().kind() == MigrationConfig.Target.Kind.EC2) {
                return List.of();
            }
            String check = "disk datadir";
            if (ctx.source().isEmpty()) {
                return sourceDown(check, ctx);
            }
            Path existing = PreflightContext.existingAncestor(ctx.config.target().datadirPath());
            if (existing == null) {
                return one(CheckResult.fail(check, "no existing parent of " + ctx.config.target().datadirPath()));
            }
            long size;
            try {
                size = sourceDataBytes(ctx.source().get(), ctx.config.cloneOrDefault().includeList());
            } catch (SQLException e) {
                return one(CheckResult.fail(check, "cannot read the source's data size from information_schema: " + e.getMessage()));
            }
            long free;
            try {
                free = Files.getFileStore(existing).getUsableSpace();
            } catch (IOException e) {
                return one(CheckResult.fail(check, "cannot read the free space at " + existing + ": " + e.getMessage()));
            }
            String numbers = Sizes.format(free) + " free at " + existing + "; the included source data is " + Sizes.format(size)
                    + " (DATA_LENGTH+INDEX_LENGTH)";
            if (free < size) {
                return one(CheckResult.fail(check, numbers + ": the clone does not fit"));
            }
            if (free < 2 * size) {
                return one(CheckResult.warn(check, numbers + ": less than twice the data; the upgrade and catch-up need room too"));
            }
            return one(CheckResult.pass(check, numbers));
        }

        static long sourceDataBytes(Connection c, List<String> include) throws SQLException {
            long total = 0;
            for (String inc : include) {
                int dot = inc.indexOf('.');
                String sql = "SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES"
                        + " WHERE TABLE_SCHEMA = ?" + (dot < 0 ? "" : " AND TABLE_NAME = ?");
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, dot < 0 ? inc : inc.substring(0, dot));
                    if (dot >= 0) {
                        ps.setString(2, inc.substring(dot + 1));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        total += rs.getLong(1);
                    }
                }
            }
            return total;
        }
    }

    /** Every translator name resolves (class path and plugin_dir). */
    static final class TranslatorNames implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            MigrationConfig.Translators t = ctx.config.translatorsOrEmpty();
            if (t.nameList().isEmpty()) {
                return List.of();
            }
            String check = "translators";
            Path plugins = t.pluginDirPath();
            try (TranslatorRegistry registry = plugins == null ? TranslatorRegistry.fromClassPath() : TranslatorRegistry.load(plugins)) {
                List<String> found = new ArrayList<>();
                List<String> missing = new ArrayList<>();
                for (String n : t.nameList()) {
                    registry.find(n).ifPresentOrElse(e -> found.add(n + " (" + e.className() + ")"), () -> missing.add(n));
                }
                if (!missing.isEmpty()) {
                    return one(CheckResult.fail(check, "not found: " + String.join(", ", missing) + "; available: "
                            + (registry.names().isEmpty() ? "none" : String.join(", ", registry.names()))
                            + (plugins == null ? " (class path; set translators.plugin_dir for plugin jars)" : " (class path and " + plugins + ")")));
                }
                return one(CheckResult.pass(check, String.join(", ", found)));
            } catch (RuntimeException e) {
                return one(CheckResult.fail(check, e.getMessage()));
            }
        }
    }

    /** Mapping files parse; validated against both schemas when the target has them, else after the upgrade. */
    static final class Mappings implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            List<CheckResult> out = new ArrayList<>();
            for (String m : ctx.config.translatorsOrEmpty().mappingList()) {
                String check = "mapping " + Path.of(m).getFileName();
                MappingFile file;
                try {
                    file = MappingFile.parse(Path.of(m));
                } catch (MappingException | IOException e) {
                    out.add(CheckResult.fail(check, e.getMessage()));
                    continue;
                }
                Optional<Connection> target = ctx.isExisting() ? ctx.target() : Optional.empty();
                if (ctx.source().isEmpty() || target.isEmpty()) {
                    out.add(CheckResult.warn(check, "parses; validated against the schemas after the upgrade (the upgraded target does not exist yet)"));
                    continue;
                }
                try {
                    file.validate(ctx.source().get(), target.get());
                    out.add(CheckResult.pass(check, "parses and matches the source and target schemas"));
                } catch (MappingException | SQLException e) {
                    out.add(CheckResult.warn(check, "parses; does not match the target as it is now (validated after the upgrade): "
                            + e.getMessage()));
                }
            }
            return out;
        }
    }

    static final class UpgradeSql implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            List<String> files = ctx.config.upgradeOrEmpty().sqlList();
            if (files.isEmpty()) {
                return List.of();
            }
            List<String> bad = new ArrayList<>();
            for (String f : files) {
                Path p = Path.of(f);
                if (!Files.exists(p)) {
                    bad.add("not found: " + p);
                } else if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                    bad.add("not a readable file: " + p);
                }
            }
            return one(bad.isEmpty() ? CheckResult.pass("upgrade sql", files.size() + " file" + (files.size() == 1 ? "" : "s") + " readable")
                    : CheckResult.fail("upgrade sql", String.join("; ", bad)));
        }
    }

    static final class UpgradeCommand implements Check {
        @Override
        public List<CheckResult> run(PreflightContext ctx) {
            MigrationConfig.Upgrade u = ctx.config.upgradeOrEmpty();
            if (u.commandList().isEmpty()) {
                return List.of();
            }
            List<CheckResult> out = new ArrayList<>();
            String program = u.commandList().get(0);
            Path exe = program.contains("/") ? Path.of(program) : onPath(program);
            if (exe == null) {
                out.add(CheckResult.fail("upgrade command", "'" + program + "' is not on PATH"));
            } else if (!Files.isRegularFile(exe) || !Files.isExecutable(exe)) {
                out.add(CheckResult.fail("upgrade command", exe + (Files.exists(exe) ? " is not executable (chmod +x?)" : " not found")));
            } else {
                out.add(CheckResult.pass("upgrade command", exe + " is executable"));
            }
            Path workdir = u.workdirPath();
            if (workdir != null && !Files.isDirectory(workdir)) {
                out.add(CheckResult.fail("upgrade workdir", "not a directory: " + workdir));
            }
            return out;
        }

        private static Path onPath(String program) {
            String path = System.getenv("PATH");
            if (path == null) {
                return null;
            }
            for (String d : path.split(File.pathSeparator)) {
                Path p = Path.of(d.isEmpty() ? "." : d).resolve(program);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
            return null;
        }
    }
}
