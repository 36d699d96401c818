package io.paraverse.daemon.migration;

import io.paraverse.applier.ApplierOptions;
import io.paraverse.capture.debezium.ConnectorSettings;
import io.paraverse.capture.debezium.DebeziumEngineCapture;
import io.paraverse.capture.debezium.DebeziumEngineConfig;
import io.paraverse.capture.debezium.DebeziumTopicCapture;
import io.paraverse.capture.debezium.DebeziumTopicConfig;
import io.paraverse.cloud.CredentialRef;
import io.paraverse.cloud.ExistingProvisioner;
import io.paraverse.cloud.LocalProvisioner;
import io.paraverse.cloud.ProvisionedServer;
import io.paraverse.cloud.ec2.Ec2Provisioner;
import io.paraverse.cloud.Provisioner;
import io.paraverse.daemon.clone.CloneProgressView;
import io.paraverse.daemon.cutover.RecentKeyVerifier;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.pipeline.RecentKeys;
import io.paraverse.daemon.pipeline.TranslatorSetup;
import io.paraverse.daemon.verify.ApplyProgress;
import io.paraverse.daemon.verify.CheckpointApplyProgress;
import io.paraverse.daemon.verify.VerificationReport;
import io.paraverse.daemon.verify.Verifier;
import io.paraverse.daemon.verify.VerifyOptions;
import io.paraverse.traffic.proxy.BuiltInProxySwitch;
import io.paraverse.traffic.proxy.MySqlProxy;
import io.paraverse.traffic.proxy.ProxyCredentials;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.Translator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private BuiltInProxySwitch proxy;
    /** The last verification's outcome (on demand or continuous); null before any. */
    volatile VerificationSummary lastVerification;
    /** The copy's per-table progress while CLONING (and the last one's afterwards), for status. */
    volatile CloneProgressView copyProgress;
    /** Source DDL the operator let through (from the migration state). */
    Set<String> acknowledgedDdl = Set.of();

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
            status.accept("target: " + target.kind() + " server " + target.address()
                    + (target.details().containsKey("instanceId") ? " (EC2 " + target.details().get("instanceId") + ", "
                    + target.details().get("cost") + ")" : ""));
        }
        // the provisioner's URL options (an EC2 target's pinned TLS) go into every connection to the target
        return new Endpoint(target.host(), target.port(), target.user(), target.password(), Endpoint.optionsOf(target.jdbcUrl()));
    }

    /**
     * Our own local clone server stopped (it crashed or was killed): restart it on its datadir and the pipeline with
     * it, so catch-up goes on by itself. Returns whether it had to. Servers we do not run are not ours to restart.
     */
    boolean restartLocalTargetIfDown() {
        if (!(provisioner instanceof LocalProvisioner local) || target == null || local.find(config.name()).isPresent()) {
            return false;
        }
        status.accept("the clone's server stopped unexpectedly; restarting it on its datadir (" + target.address() + ")");
        Pipeline p = pipeline;
        pipeline = null;
        if (p != null) {
            p.close();
        }
        target = null;
        target();
        return true;
    }

    private Provisioner provisioner() {
        if (provisioner == null) {
            provisioner = switch (config.target().kind()) {
                case LOCAL -> new LocalProvisioner(dir.resolve("provisioner"), config.target().localSettings());
                case EXISTING -> new ExistingProvisioner(dir.resolve("provisioner"),
                        config.target().existingSettings(config.cloneOrDefault().schemas()));
                case EC2 -> new Ec2Provisioner(dir.resolve("provisioner"),
                        config.target().ec2().settings(expectedHours()));
            };
        }
        return provisioner;
    }

    /** ec2 cost estimate: the upgrade's expected duration plus a day for clone and catch-up, when given. */
    private Double expectedHours() {
        Duration d = config.upgradeOrEmpty().expectedDurationValue();
        return d == null ? null : d.plusDays(1).toMinutes() / 60.0;
    }

    /** After a successful cutover: an ec2 target becomes production (not reaped), or is terminated if temporary. */
    void afterCutover() {
        if (provisioner() instanceof Ec2Provisioner ec2) {
            try {
                ec2.cutOver(config.name());
            } catch (RuntimeException e) { // the cutover itself succeeded; only the instance's tags are behind
                status.accept("cutover: could not update the EC2 target's tags (" + e.getMessage() + "); remove its"
                        + " paraverse:expires-at tag by hand or 'paraverse cloud reap' may terminate it");
            }
        }
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
        if (Files.isDirectory(journal)) {
            try (var paths = Files.walk(journal)) {
                for (Path f : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Where the application reaches production (the source as configured). */
    io.paraverse.traffic.Endpoint productionAddress() {
        return new io.paraverse.traffic.Endpoint(source.host(), source.port());
    }

    /** Where the application reaches the clone after the cutover: cutover.clone_address, else the target's address. */
    io.paraverse.traffic.Endpoint cloneAddress() {
        String a = config.cutoverOrDefault().cloneAddress();
        if (a != null) {
            int colon = a.lastIndexOf(':');
            return new io.paraverse.traffic.Endpoint(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)));
        }
        Endpoint t = target();
        return new io.paraverse.traffic.Endpoint(t.host(), t.port());
    }

    /**
     * The built-in proxy the application connects through ({@code cutover.switch: proxy}), started with the migration
     * and kept for the daemon's life, whatever happens to the migration: the application depends on it. It forwards
     * to production until the cutover, to the clone after it. Null for other switches.
     */
    synchronized BuiltInProxySwitch proxy(boolean cutOver) {
        var c = config.cutoverOrDefault();
        if (proxy == null && c.switchValue() == MigrationConfig.Cutover.SwitchKind.PROXY) {
            String listen = c.proxy().listen();
            int colon = listen.lastIndexOf(':');
            String host = listen.substring(0, colon).isEmpty() ? "0.0.0.0" : listen.substring(0, colon);
            var users = new LinkedHashMap<String, CredentialRef>();
            if (c.proxy().users() != null) {
                c.proxy().users().forEach((u, ref) -> users.put(u, CredentialRef.parse(ref)));
            }
            ProxyCredentials credentials = user -> Optional.ofNullable(users.get(user))
                    .map(CredentialRef::resolve);
            try {
                var p = MySqlProxy.start(new InetSocketAddress(host, Integer.parseInt(listen.substring(colon + 1))),
                        cutOver ? cloneAddress() : productionAddress(), credentials);
                proxy = new BuiltInProxySwitch(p);
                status.accept("proxy: the application connects to " + p.listenAddress().getHostString() + ":" + p.listenAddress().getPort()
                        + " -> " + p.backend());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the built-in proxy on " + listen + " (cutover.proxy.listen): "
                        + e.getMessage(), e);
            }
        }
        return proxy;
    }

    /**
     * A verifier of production translated against the clone, re-checking rows against this migration's running
     * pipeline (or the target's checkpoint when none runs).
     */
    Verifier verifier(VerifyOptions options) throws SQLException, IOException {
        Endpoint t = target();
        ApplyProgress progress = (position, timeout) -> {
            Pipeline p = pipeline;
            if (p == null) {
                return new CheckpointApplyProgress(t, ApplierOptions.DEFAULT_CHECKPOINT_SCHEMA,
                        config.name()).awaitApplied(position, timeout);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!p.hasApplied(position)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(5);
            }
            return true;
        };
        return new Verifier(source, t, translators(), TranslationContext.of(
                Map.of(), Map.of()), progress, options, line -> status.accept("verify: " + line));
    }

    /**
     * The cutover's last look at the rows changed most recently: read fast (production is fenced then, or about to
     * be), re-checked briefly.
     */
    RecentKeyVerifier recentKeyVerifier() {
        return (keys, budget) -> {
            Map<String, List<List<Object>>> byTable = new LinkedHashMap<>();
            for (var k : keys) {
                List<Object> values = new ArrayList<>();
                for (Object v : k.values()) {
                    values.add(v instanceof RecentKeys.ByteKey b ? b.bytes() : v);
                }
                byTable.computeIfAbsent(k.schema() + "." + k.table(), x -> new ArrayList<>()).add(values);
            }
            if (byTable.isEmpty()) {
                return new RecentKeyVerifier.Outcome(true, false, 0, "no key changed since the pipeline started");
            }
            var options = VerifyOptions.defaults(config.name()).rowsPerSecond(1_000_000)
                    .recheck(2, budget.dividedBy(4)).statementTimeout(budget);
            var report = verifier(options).keys(byTable);
            return new RecentKeyVerifier.Outcome(report.clean(), report.hasDifferences(), keys.size(), summary(report));
        };
    }

    /** One line for a verification: clean, or the first differences by table, key and column. */
    static String summary(VerificationReport r) {
        if (r.clean()) {
            return "clean (" + r.sourceRowsRead() + " rows)";
        }
        List<String> parts = new ArrayList<>();
        for (var t : r.tables()) {
            if (t.clean()) {
                continue;
            }
            StringBuilder b = new StringBuilder(t.table()).append(": ").append(t.mismatchCount()).append(" differ, ")
                    .append(t.missingCount()).append(" missing, ").append(t.extraCount()).append(" extra, ")
                    .append(t.notAppliedCount()).append(" not applied, ").append(t.unsettledCount()).append(" unsettled");
            if (t.mismatches() != null && !t.mismatches().isEmpty()) {
                var m = t.mismatches().get(0);
                b.append("; e.g. key ").append(m.sourceKey()).append(" in ").append(m.targetTable()).append(" columns ")
                        .append(m.columns().stream().map(c -> c.column() + " expected " + c.expected() + " got " + c.actual()).toList());
            } else if (t.missing() != null && !t.missing().isEmpty()) {
                b.append("; e.g. missing ").append(t.missing().get(0).sourceKey()).append(" in ").append(t.missing().get(0).targetTable());
            }
            parts.add(b.toString());
        }
        return String.join(" | ", parts);
    }

    /** Stops the built-in proxy (the daemon stops). */
    synchronized void closeProxy() {
        if (proxy != null) {
            proxy.proxy().close();
            proxy = null;
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
        return sourceSide(PipelineConfig.builder().name(config.name()).source(source).target(target()).journalDir(journalDir())
                .include(include).startGtid(startGtid)
                .journalBudgetBytes(config.journal().diskBudgetBytes() == null ? 0 : config.journal().diskBudgetBytes())
                .ddlPolicy(config.catchUp() == null ? PipelineConfig.DdlPolicy.PAUSE : config.catchUp().ddlPolicy()));
    }

    /**
     * What every pipeline of this migration shares, the clone phase's included: how changes are captured, which
     * journal holds them, and the source DDL the operator let through.
     */
    PipelineConfig.Builder sourceSide(PipelineConfig.Builder b) {
        b.kafkaJournal(config.journal().kafkaOptions(config.name())).acknowledgedDdl(acknowledgedDdl)
                .applyWorkers(config.catchUp() == null ? 1 : config.catchUp().applyWorkersOrDefault());
        var c = config.captureOrDefault();
        var settings = ConnectorSettings.from(c.connectorOrEmpty());
        Path state = dir.resolve("capture");
        switch (c.kindValue()) {
            case BINLOG -> { }
            case DEBEZIUM_ENGINE -> {
                var e = DebeziumEngineConfig.of(source.host(), source.port(), source.user(), source.password(),
                        c.serverId() == null ? 0x5041_0000 + Math.abs(config.name().hashCode() % 0xFFFF) : c.serverId(), state,
                        config.name(), databases());
                for (var kv : c.connectorOrEmpty().entrySet()) {
                    e = e.withProperty(kv.getKey(), kv.getValue());
                }
                var engine = e;
                b.debeziumCapture(sink -> new DebeziumEngineCapture(engine, sink));
            }
            case DEBEZIUM_TOPICS -> {
                var t = DebeziumTopicConfig.of(c.bootstrap(), c.topicPrefix(), source.host(), source.port(),
                        source.user(), source.password(), state).withSettings(settings);
                if ("none".equals(c.transactionTopic())) {
                    t = t.withoutTransactionTopic();
                } else if (c.transactionTopic() != null) {
                    t = new DebeziumTopicConfig(t.bootstrapServers(), t.topicPrefix(), c.transactionTopic(),
                            t.sourceHost(), t.sourcePort(), t.sourceUser(), t.sourcePassword(), t.stateDir(), t.settings(),
                            t.groupIdleCommit(), t.kafkaProperties());
                }
                var topics = t;
                b.debeziumCapture(sink -> new DebeziumTopicCapture(topics, sink));
            }
        }
        return b;
    }

    /** The databases the migration includes ("db" or the db of "db.table"). */
    private List<String> databases() {
        return config.cloneOrDefault().includeList().stream().map(i -> i.contains(".") ? i.substring(0, i.indexOf('.')) : i)
                .distinct().toList();
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
        } else if (provisioner instanceof Ec2Provisioner ec2) {
            ec2.close(); // the SDK client only: the instance runs on, found again on the next start
            provisioner = null;
        }
        target = null; // the next use provisions again (a local server is restarted on its datadir)
    }
}
