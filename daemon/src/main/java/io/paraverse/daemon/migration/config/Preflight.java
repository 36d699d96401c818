package io.paraverse.daemon.migration.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that can be known about a migration before it starts, checked without changing anything: the file,
 * credentials, the source (reachable, binlog settings, grants, primary keys, binlog retention vs the upgrade's
 * expected duration), the target (reachable and empty, or the local server's programs and datadir), disk space for
 * the journal and the local datadir, translators and mapping files, and the upgrade's files and command.
 */
public final class Preflight {
    private Preflight() { }

    /** Loads and checks the file; an invalid file is one FAIL row per problem ("config") and nothing else is run. */
    public static List<CheckResult> run(Path file) {
        MigrationConfig config;
        try {
            config = MigrationConfigLoader.load(file);
        } catch (MigrationConfigException e) {
            return e.problems().stream().map(p -> CheckResult.fail("config", p)).toList();
        }
        List<CheckResult> out = new ArrayList<>();
        out.add(CheckResult.pass("config", file + " is valid"));
        out.addAll(run(config));
        return out;
    }

    /** Runs every check on a valid config (as {@link MigrationConfigLoader} returns it). */
    public static List<CheckResult> run(MigrationConfig config) {
        List<CheckResult> out = new ArrayList<>();
        try (PreflightContext ctx = new PreflightContext(config)) {
            for (PreflightChecks.Check check : PreflightChecks.all()) {
                try {
                    out.addAll(check.run(ctx));
                } catch (RuntimeException e) {
                    out.add(CheckResult.fail(check.getClass().getSimpleName(), "check failed unexpectedly: " + e));
                }
            }
        }
        return out;
    }

    public static boolean passed(List<CheckResult> results) {
        return results.stream().noneMatch(CheckResult::failed);
    }
}
