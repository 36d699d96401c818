package io.paraverse.daemon.migration.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.paraverse.cloud.CredentialRef;
import io.paraverse.cloud.ExistingProvisioner;
import io.paraverse.cloud.LocalProvisioner;
import io.paraverse.daemon.clone.CloneRun;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * One migration as described by its YAML file ({@code docs/MIGRATION.md}). Bound by Jackson (snake_case keys) and
 * checked by {@link MigrationConfigLoader}: a config returned by the loader is valid, its relative paths are resolved
 * against the file's directory, and the typed accessors ({@link Source#passwordRef()},
 * {@link Upgrade#expectedDurationValue()}, ...) do not throw. Passwords are only ever credential references.
 */
public record MigrationConfig(String name, Source source, Target target, @JsonProperty("clone") Clone cloneSection, Upgrade upgrade,
                              Translators translators, Journal journal, CatchUp catchUp, Cutover cutover, Verify verify,
                              Capture capture) {

    public static final int DEFAULT_PORT = 3306;

    /** The production server. */
    public record Source(String host, Integer port, String user, String password) {
        public int portOrDefault() { return port == null ? DEFAULT_PORT : port; }

        public CredentialRef passwordRef() { return CredentialRef.parse(password); }

        public String jdbcUrl() { return "jdbc:mariadb://" + host + ":" + portOrDefault() + "/"; }

        public String address() { return host + ":" + portOrDefault(); }
    }

    /**
     * Where the clone runs: {@code provisioner: local} (datadir, memory, keep, bin_dir), {@code existing}, or
     * {@code ec2} (the {@code ec2} section; cloud/README-ec2.md).
     */
    public record Target(String provisioner, String datadir, String memory, Boolean keep, String binDir,
                         String jdbcUrl, String host, Integer port, String user, String password, Boolean overwrite,
                         Ec2 ec2) {
        public enum Kind { LOCAL, EXISTING, EC2 }

        /** ec2: a temporary EC2 instance (keys as in cloud/README-ec2.md; durations like 20m, 7d). */
        public record Ec2(String region, String endpoint, String imageId, String launchTemplate, String launchTemplateVersion,
                          List<String> instanceTypes, List<String> subnets, List<String> securityGroups, String keyName,
                          String iamInstanceProfile, Integer volumeSizeGib, String volumeType, String rootDevice,
                          java.util.Map<String, String> tags, String owner, String lifetime, String engine, String version,
                          Boolean install, Integer port, String user, String address, String runningTimeout,
                          String readyTimeout, String pollInterval, Boolean keepOnFailure, Boolean temporary,
                          java.util.Map<String, Double> pricePerHour, Double expectedHours, Integer maxAttempts) {
            /** The provisioner's settings; {@code expectedHours} (from upgrade.expected_duration) when none is given. */
            public io.paraverse.cloud.ec2.Ec2Settings settings(Double defaultExpectedHours) {
                var s = new io.paraverse.cloud.ec2.Ec2Settings().region(region).imageId(imageId)
                        .launchTemplate(launchTemplate).launchTemplateVersion(launchTemplateVersion)
                        .instanceTypes(instanceTypes).subnets(subnets).securityGroups(securityGroups).keyName(keyName)
                        .iamInstanceProfile(iamInstanceProfile).volumeSizeGib(volumeSizeGib).tags(tags)
                        .pricePerHour(pricePerHour).expectedHours(expectedHours != null ? expectedHours : defaultExpectedHours)
                        .keepOnFailure(Boolean.TRUE.equals(keepOnFailure)).temporary(Boolean.TRUE.equals(temporary));
                if (endpoint != null) { s.endpoint(java.net.URI.create(endpoint)); }
                if (volumeType != null) { s.volumeType(volumeType); }
                if (rootDevice != null) { s.rootDevice(rootDevice); }
                if (owner != null) { s.owner(owner); }
                if (lifetime != null) { s.lifetime(Durations.parse(lifetime)); }
                if (engine != null) { s.engine(io.paraverse.cloud.ec2.Ec2Settings.Engine.valueOf(engine.toUpperCase(Locale.ROOT))); }
                if (version != null) { s.version(version); }
                if (install != null) { s.install(install); }
                if (port != null) { s.port(port); }
                if (user != null) { s.user(user); }
                if (address != null) { s.address(io.paraverse.cloud.ec2.Ec2Settings.AddressKind.valueOf(address.toUpperCase(Locale.ROOT))); }
                if (runningTimeout != null) { s.runningTimeout(Durations.parse(runningTimeout)); }
                if (readyTimeout != null) { s.readyTimeout(Durations.parse(readyTimeout)); }
                if (pollInterval != null) { s.pollInterval(Durations.parse(pollInterval)); }
                if (maxAttempts != null) { s.maxAttempts(maxAttempts); }
                return s;
            }
        }

        public Kind kind() { return Kind.valueOf(provisioner.toUpperCase(Locale.ROOT)); }

        public boolean overwriteAllowed() { return Boolean.TRUE.equals(overwrite); }

        /** existing: the URL given, or one built from host and port. */
        public String effectiveJdbcUrl() {
            return jdbcUrl != null ? jdbcUrl : "jdbc:mariadb://" + host + ":" + (port == null ? DEFAULT_PORT : port) + "/";
        }

        public CredentialRef passwordRef() { return CredentialRef.parse(password); }

        /** existing: the provisioner's settings for these schemas. */
        public ExistingProvisioner.Settings existingSettings(List<String> schemas) {
            return new ExistingProvisioner.Settings(effectiveJdbcUrl(), user, passwordRef(), schemas, overwriteAllowed());
        }

        /** local: the provisioner's settings (datadir base, buffer pool, keep on teardown, binaries). */
        public LocalProvisioner.Settings localSettings() {
            LocalProvisioner.Settings s = new LocalProvisioner.Settings().keepOnTeardown(Boolean.TRUE.equals(keep));
            if (datadir != null) {
                s.datadirBase(Path.of(datadir));
            }
            if (memory != null) {
                s.bufferPoolSize(memory);
            }
            if (binDir != null) {
                s.binDir(Path.of(binDir));
            }
            return s;
        }

        public Path datadirPath() { return datadir == null ? null : Path.of(datadir); }
    }

    /** How production is copied onto the target. {@code include}: "db" or "db.table" entries. */
    public record Clone(String method, List<String> include, String gtid, Integer readers, Integer writers,
                        Integer copiers, Integer chunkRows) {
        public CloneRun.Method methodValue() {
            return method == null ? CloneRun.Method.SNAPSHOT : CloneRun.Method.valueOf(method.toUpperCase(Locale.ROOT));
        }

        public List<String> includeList() { return include == null ? List.of() : include; }

        /** The schema names of the include list, in order, without duplicates. */
        public List<String> schemas() {
            LinkedHashSet<String> out = new LinkedHashSet<>();
            for (String i : includeList()) {
                int dot = i.indexOf('.');
                out.add(dot < 0 ? i : i.substring(0, dot));
            }
            return List.copyOf(out);
        }
    }

    /**
     * The application's upgrade, run on the clone: SQL files (in order) and/or one command, each step bounded by
     * {@code timeout}; {@code expected_duration} sizes the binlog retention check. {@link #steps()} is the shape an
     * upgrade runner takes.
     */
    public record Upgrade(List<String> sql, List<String> command, String workdir, String timeout, String expectedDuration,
                          String database) {
        public List<String> sqlList() { return sql == null ? List.of() : sql; }

        public List<String> commandList() { return command == null ? List.of() : command; }

        public Duration timeoutValue() { return timeout == null ? null : Durations.parse(timeout); }

        public Duration expectedDurationValue() { return expectedDuration == null ? null : Durations.parse(expectedDuration); }

        public Path workdirPath() { return workdir == null ? null : Path.of(workdir); }

        /** SQL files first (in the order given), then the command. */
        public List<UpgradeStep> steps() {
            List<UpgradeStep> out = new ArrayList<>();
            for (String f : sqlList()) {
                out.add(new UpgradeStep.SqlFile(Path.of(f), timeoutValue(), database));
            }
            if (!commandList().isEmpty()) {
                out.add(new UpgradeStep.Command(commandList(), workdirPath(), timeoutValue()));
            }
            return out;
        }
    }

    /** Translators by name (class path and plugin_dir), mapping files, and source tables whose changes are dropped. */
    public record Translators(List<String> names, String pluginDir, List<String> mappings, List<String> drop) {
        public List<String> nameList() { return names == null ? List.of() : names; }

        public List<String> mappingList() { return mappings == null ? List.of() : mappings; }

        public List<String> dropList() { return drop == null ? List.of() : drop; }

        public Path pluginDirPath() { return pluginDir == null ? null : Path.of(pluginDir); }
    }

    /**
     * Where captured changes wait to be applied; {@code disk_budget} like "20GiB". {@code kind}: {@code file}
     * (default: segment files in {@code dir}) or {@code kafka} (a topic: {@code bootstrap} host:port[,host:port],
     * {@code topic} default {@code paraverse-journal-<name>}; docs/JOURNAL.md).
     */
    public record Journal(String dir, String diskBudget, String kind, String bootstrap, String topic) {
        public Path dirPath() { return Path.of(dir); }

        public boolean isKafka() { return "kafka".equals(kind); }

        /** The Kafka journal's settings for migration {@code name}; null for the file journal. */
        public io.paraverse.journal.kafka.KafkaJournalOptions kafkaOptions(String name) {
            return isKafka() ? io.paraverse.journal.kafka.KafkaJournalOptions.of(bootstrap, topic != null ? topic : "paraverse-journal-" + name) : null;
        }

        public Long diskBudgetBytes() { return diskBudget == null ? null : Sizes.parse(diskBudget); }
    }

    /** When the clone counts as caught up: lag at most {@code ready_lag_seconds} for {@code sustained}. */
    public record CatchUp(Integer readyLagSeconds, String sustained, String ddl, Integer applyWorkers) {
        /** Target connections applying non-overlapping transactions in parallel (docs/ARCHITECTURE.md, apply); default 1. */
        public int applyWorkersOrDefault() { return applyWorkers == null ? 1 : applyWorkers; }

        /** {@code pause} (default) or {@code translator}. */
        public io.paraverse.daemon.pipeline.PipelineConfig.DdlPolicy ddlPolicy() {
            return ddl == null ? io.paraverse.daemon.pipeline.PipelineConfig.DdlPolicy.PAUSE
                    : io.paraverse.daemon.pipeline.PipelineConfig.DdlPolicy.valueOf(ddl.toUpperCase(java.util.Locale.ROOT));
        }

        public Duration sustainedValue() { return sustained == null ? null : Durations.parse(sustained); }
    }

    /**
     * The cutover (docs/CUTOVER.md): how traffic is switched ({@code switch}: proxy, haproxy, proxysql, hook or none),
     * the time budget, whether production is also fenced with {@code read_only}, and the preconditions' limits.
     *
     * @param timeout        fence to switch, at most; past it the cutover rolls back (default 5 s)
     * @param drainTimeout   how long the fence waits for transactions in flight (default 2 s)
     * @param maxReadOnly    unused placeholder kept for old files: the timeout bounds the fenced time
     * @param rollbackWindow validated only: reverse replication after cutover is not built yet
     * @param readOnly       also {@code SET GLOBAL read_only=ON} on production at the fence (default true)
     * @param verifyRecent   how many recently changed keys are verified after the drain (default 1000; 0 off)
     * @param maxDrain       precondition: the predicted drain time must be under this (default 2 s)
     * @param cloneAddress   where clients reach the clone, host:port (default the target's address)
     * @param users          application accounts copied with their grants from production to the clone before the switch
     */
    public record Cutover(String timeout, String drainTimeout, String maxReadOnly, String rollbackWindow, Boolean readOnly,
                          Integer verifyRecent, String maxDrain, @JsonProperty("switch") String switchKind, String cloneAddress,
                          List<String> users, Proxy proxy, Haproxy haproxy, Proxysql proxysql, Hook hook) {
        public enum SwitchKind { PROXY, HAPROXY, PROXYSQL, HOOK, NONE }

        /** The built-in proxy: where the application connects, and passwords of the users it moves between servers. */
        public record Proxy(String listen, java.util.Map<String, String> users) { }

        /** HAProxy's runtime API (stats socket path or host:port, level admin) and the backend's two server names. */
        public record Haproxy(String socket, String backend, String production, @JsonProperty("clone") String cloneServer) { }

        /** ProxySQL's admin interface and the writer hostgroup(s). */
        public record Proxysql(String host, Integer port, String user, String password, List<Integer> writerHostgroups) { }

        /** A command run at each step with the migration's facts in its environment. */
        public record Hook(List<String> command, String timeout, java.util.Map<String, String> env) { }

        public SwitchKind switchValue() {
            return switchKind == null ? SwitchKind.NONE : SwitchKind.valueOf(switchKind.toUpperCase(Locale.ROOT));
        }

        public Duration timeoutValue() { return timeout == null ? Duration.ofSeconds(5) : Durations.parse(timeout); }

        public Duration drainTimeoutValue() { return drainTimeout == null ? Duration.ofSeconds(2) : Durations.parse(drainTimeout); }

        public Duration maxDrainValue() { return maxDrain == null ? Duration.ofSeconds(2) : Durations.parse(maxDrain); }

        public boolean readOnlyFence() { return readOnly == null || readOnly; }

        public int verifyRecentKeys() { return verifyRecent == null ? 1000 : verifyRecent; }

        public List<String> userList() { return users == null ? List.of() : users; }

        static Cutover defaults() {
            return new Cutover(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /**
     * Continuous verification while catching up and READY (docs/VERIFY.md): every {@code every}, {@code sample} random
     * rows per table, production read at {@code rate} rows/s at most. {@code every: off} turns it off.
     */
    public record Verify(String every, Integer sample, Integer rate) {
        public Duration everyValue() {
            return every == null ? Duration.ofMinutes(15) : "off".equals(every) ? null : Durations.parse(every);
        }

        public int sampleValue() { return sample == null ? 200 : sample; }

        public int rateValue() { return rate == null ? 500 : rate; }
    }

    /**
     * How production's changes are captured (capture-debezium/README.md): {@code binlog} (default: Paraverse's own
     * binlog reader), {@code debezium-engine} (Debezium's MariaDB connector in-process; offsets and schema history
     * in the migration's directory) or {@code debezium-topics} (the change events an existing Kafka Connect +
     * Debezium deployment writes: {@code bootstrap}, {@code topic_prefix}, {@code transaction_topic} ('none': group
     * by GTID), {@code connector}: the connector's value-encoding settings).
     */
    public record Capture(String kind, String bootstrap, String topicPrefix, String transactionTopic, Integer serverId,
                          java.util.Map<String, String> connector) {
        public enum Kind { BINLOG, DEBEZIUM_ENGINE, DEBEZIUM_TOPICS }

        public Kind kindValue() {
            return kind == null ? Kind.BINLOG : Kind.valueOf(kind.toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        public java.util.Map<String, String> connectorOrEmpty() { return connector == null ? java.util.Map.of() : connector; }
    }

    public Capture captureOrDefault() { return capture != null ? capture : new Capture(null, null, null, null, null, null); }

    public Verify verifyOrDefault() { return verify != null ? verify : new Verify(null, null, null); }

    public Cutover cutoverOrDefault() { return cutover != null ? cutover : Cutover.defaults(); }

    // ---------------------------------------------------------------------------------------------------------

    public Clone cloneOrDefault() { return cloneSection != null ? cloneSection : new Clone(null, null, null, null, null, null, null); }

    public Upgrade upgradeOrEmpty() { return upgrade != null ? upgrade : new Upgrade(null, null, null, null, null, null); }

    public Translators translatorsOrEmpty() { return translators != null ? translators : new Translators(null, null, null, null); }
}
