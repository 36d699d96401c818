package io.paraverse.daemon.migration;

import io.paraverse.clone.CloneEndpoint;
import io.paraverse.daemon.migration.config.UpgradeStep;
import io.paraverse.daemon.upgrade.UpgradeRunner;
import io.paraverse.daemon.upgrade.UpgradeSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * UPGRADING: the application's upgrade runs on the clone while capture keeps filling the journal (apply is paused:
 * nothing else writes to the clone). Output goes to {@code <data-dir>/<migration>/upgrade.log}.
 */
final class UpgradePhase {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofHours(24);

    private UpgradePhase() { }

    static void run(MigrationContext ctx) throws Exception {
        var u = ctx.config.upgradeOrEmpty();
        List<UpgradeSpec.Step> steps = new ArrayList<>();
        for (UpgradeStep s : u.steps()) {
            if (s instanceof UpgradeStep.SqlFile f) {
                steps.add(new UpgradeSpec.SqlFile(f.file(), f.database()));
            } else if (s instanceof UpgradeStep.Command cmd) {
                steps.add(new UpgradeSpec.Command(cmd.argv(), cmd.workdir(), java.util.Map.of()));
            }
        }
        if (steps.isEmpty()) {
            ctx.status.accept("upgrade: nothing configured (the clone keeps the old schema)");
            return;
        }
        if (ctx.pipeline() != null) {
            ctx.pipeline().pauseApply();
        }
        var t = ctx.target();
        UpgradeRunner runner = new UpgradeRunner(new UpgradeSpec(steps, u.timeoutValue() == null ? DEFAULT_TIMEOUT : u.timeoutValue()),
                new CloneEndpoint(t.host(), t.port(), t.user(), t.password(), t.urlOptions()), ctx.dir.resolve("upgrade.log"));
        ctx.status.accept("upgrade: running " + steps.size() + " step(s) on the clone; log " + ctx.dir.resolve("upgrade.log"));
        runner.run();
        ctx.status.accept("upgrade: done in " + runner.elapsed().toSeconds() + " s");
    }
}
