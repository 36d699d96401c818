package io.paraverse.daemon.migration;

import io.paraverse.cloud.ExistingProvisioner;
import io.paraverse.cloud.LocalProvisioner;
import io.paraverse.cloud.ProvisionedServer;
import io.paraverse.cloud.Provisioner;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.pipeline.TranslatorSetup;
import io.paraverse.translator.Translator;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the phases of one migration share: its configuration, its directory in the daemon's data dir, the source and
 * the provisioned target (found again after a restart), and the running pipeline. Not persisted: rebuilt on start.
 */
final class MigrationContext implements AutoCloseable {
    final MigrationConfig config;
    final Path dir;
    final Consumer<String> status;
    private final Endpoint source;
    private Provisioner provisioner;
    private ProvisionedServer target;
    private volatile Pipeline pipeline;
    /** Where capture started (from the migration state): the start when the journal holds nothing yet. */
    String clonePoint;
    /** The copy's per-table progress while CLONING (and the last one's afterwards), for status. */
    volatile io.paraverse.daemon.clone.CloneProgressView copyProgress;
    /** Source DDL the operator let through (from the migration state). */
    java.util.Set<String> acknowledgedDdl = java.util.Set.of();

    MigrationContext(MigrationConfig config, Path dir, Consumer<String> status) {
        this.config = config;
        this.dir = dir;
        this.status = status;
        var s = config.source();
        this.source = new Endpoint(s.host(), s.portOrDefault(), s.user(), s.passwordRef().resolve());
    }

    Endpoint source() {
        return source;
    }

    /** The target server: provisioned on first use, found again (restarted, for a local one) after a daemon restart. */
    Endpoint target() {
        if (target == null) {
            target = provisioner().provision(config.name());
            status.accept("target: " + target.kind() + " server " + target.address());
        }
        return new Endpoint(target.host(), target.port(), target.user(), target.password());
    }

    private Provisioner provisioner() {
        if (provisioner == null) {
            provisioner = switch (config.target().kind()) {
                case LOCAL -> new LocalProvisioner(dir.resolve("provisioner"), config.target().localSettings());
                case EXISTING -> new ExistingProvisioner(dir.resolve("provisioner"),
                        config.target().existingSettings(config.cloneOrDefault().schemas()));
            };
        }
        return provisioner;
    }

    /**
     * Abort: stops the pipeline, releases the target (a local server is stopped and its datadir deleted unless
     * {@code keep: true}; an existing server is only forgotten, its data left as it is) and deletes the journal.
     * Production is not touched.
     */
    void teardown() throws IOException {
        Pipeline p = pipeline;
        pipeline = null;
        if (p != null) {
            p.close();
        }
        provisioner().teardown(config.name());
        target = null;
        Path journal = journalDir();
        if (java.nio.file.Files.isDirectory(journal)) {
            try (var paths = java.nio.file.Files.walk(journal)) {
                for (Path f : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
        }
    }

    Path journalDir() {
        return config.journal().dirPath();
    }

    /** The pipeline's settings: capture everything included, from {@code startGtid} when the journal is empty. */
    PipelineConfig.Builder pipelineConfig(String startGtid) {
        List<String> include = new ArrayList<>();
        for (String i : config.cloneOrDefault().includeList()) {
            include.add(i.contains(".") ? i : i + ".*");
        }
        return PipelineConfig.builder().name(config.name()).source(source).target(target()).journalDir(journalDir())
                .include(include).startGtid(startGtid)
                .journalBudgetBytes(config.journal().diskBudgetBytes() == null ? 0 : config.journal().diskBudgetBytes())
                .ddlPolicy(config.catchUp() == null ? PipelineConfig.DdlPolicy.PAUSE : config.catchUp().ddlPolicy())
                .acknowledgedDdl(acknowledgedDdl);
    }

    /** The migration's translators, validated against the source and the upgraded target. */
    Translator translators() throws SQLException, IOException {
        var t = config.translatorsOrEmpty();
        List<Path> mappings = t.mappingList().stream().map(Path::of).toList();
        return TranslatorSetup.build(t.nameList(), t.pluginDirPath(), mappings, t.dropList(), TranslatorSetup.Schemas.of(source, target()));
    }

    Pipeline pipeline() {
        return pipeline;
    }

    void pipeline(Pipeline p) {
        if (pipeline != null && pipeline != p) {
            pipeline.close();
        }
        pipeline = p;
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
            pipeline = null;
        }
        if (provisioner instanceof LocalProvisioner local) {
            local.close(); // stops the local server, keeps its datadir: the next start finds it again
        }
        target = null; // the next use provisions again (a local server is restarted on its datadir)
    }
}
