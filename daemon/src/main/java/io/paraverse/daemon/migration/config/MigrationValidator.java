package io.paraverse.daemon.migration.config;

import io.paraverse.cloud.CredentialRef;
import io.paraverse.cloud.ExistingProvisioner;
import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.daemon.migration.config.MigrationConfig.CatchUp;
import io.paraverse.daemon.migration.config.MigrationConfig.Clone;
import io.paraverse.daemon.migration.config.MigrationConfig.Cutover;
import io.paraverse.daemon.migration.config.MigrationConfig.Journal;
import io.paraverse.daemon.migration.config.MigrationConfig.Source;
import io.paraverse.daemon.migration.config.MigrationConfig.Target;
import io.paraverse.daemon.migration.config.MigrationConfig.Translators;
import io.paraverse.daemon.migration.config.MigrationConfig.Upgrade;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the values of a bound (and path-resolved) migration file; every problem names its field path. Nothing here
 * connects anywhere: that is {@code Preflight}'s job.
 */
final class MigrationValidator {
    static final List<String> METHODS = List.of("snapshot", "chunked", "existing");
    static final List<String> PROVISIONERS = List.of("local", "existing", "ec2");
    private static final Pattern IDENT = Pattern.compile("[^.\\s`]+");
    private static final Pattern INCLUDE = Pattern.compile("[^.\\s`]+(\\.[^.\\s`]+)?");
    private static final Pattern TABLE = Pattern.compile("[^.\\s`]+\\.[^.\\s`]+");
    private static final Pattern GTID = Pattern.compile("\\d+-\\d+-\\d+(,\\s*\\d+-\\d+-\\d+)*");
    private static final Pattern MEMORY = Pattern.compile("\\d+[KMGTkmgt]?");

    private final List<String> problems = new ArrayList<>();

    private MigrationValidator() { }

    static List<String> validate(MigrationConfig c) {
        MigrationValidator v = new MigrationValidator();
        v.all(c);
        return v.problems;
    }

    private void all(MigrationConfig c) {
        if (blank(c.name())) {
            problem("name", "required: the migration's id (letters, digits, '.', '_', '-')");
        } else {
            try {
                ProvisionerStateStore.checkMigrationId(c.name());
            } catch (IllegalArgumentException e) {
                problem("name", "must be 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit, got '"
                        + c.name() + "'");
            }
        }
        source(c.source());
        target(c.target(), c.cutover() == null ? null : c.cutover().switchKind());
        clone(c.cloneSection());
        upgrade(c.upgrade());
        translators(c.translators());
        journal(c.journal());
        catchUp(c.catchUp());
        cutover(c.cutover());
        verify(c.verify());
        capture(c.capture());
    }

    private void source(Source s) {
        if (s == null) {
            problem("source", "required: host, port, user, password (env:VAR or file:/path)");
            return;
        }
        required("source.host", s.host());
        port("source.port", s.port());
        required("source.user", s.user());
        password("source.password", s.password());
    }

    /** ec2: only the ec2 section; its values checked by the provisioner's own settings. */
    private void ec2(Target t, String cutoverSwitch) {
        for (String other : List.of("datadir", "memory", "keep", "bin_dir", "jdbc_url", "host", "port", "user", "password", "overwrite")) {
            Object v = switch (other) {
                case "datadir" -> t.datadir(); case "memory" -> t.memory(); case "keep" -> t.keep(); case "bin_dir" -> t.binDir();
                case "jdbc_url" -> t.jdbcUrl(); case "host" -> t.host(); case "port" -> t.port(); case "user" -> t.user();
                case "password" -> t.password(); default -> t.overwrite();
            };
            if (v != null) {
                problem("target." + other, "not for provisioner ec2 (its settings go under target.ec2)");
            }
        }
        if (t.ec2() == null) {
            problem("target.ec2", "required for provisioner ec2: region, image_id or launch_template, instance_types, subnets,"
                    + " security_groups, ... (cloud/README-ec2.md)");
            return;
        }
        var e2 = t.ec2();
        if (e2.engine() != null && !List.of("mariadb", "mysql").contains(e2.engine().toLowerCase(Locale.ROOT))) {
            problem("target.ec2.engine", "mariadb or mysql, got '" + e2.engine() + "'");
            return;
        }
        if (e2.address() != null && !List.of("private", "public").contains(e2.address().toLowerCase(Locale.ROOT))) {
            problem("target.ec2.address", "private or public, got '" + e2.address() + "'");
            return;
        }
        try {
            t.ec2().settings(null).problems().forEach(p -> problems.add("target.ec2." + p));
        } catch (IllegalArgumentException e) { // a bad engine, address or duration
            problem("target.ec2", e.getMessage());
        }
        if (Boolean.TRUE.equals(t.ec2().temporary()) && cutoverSwitch != null && !"none".equalsIgnoreCase(cutoverSwitch)) {
            problem("target.ec2.temporary", "a temporary instance is terminated after the cutover, so traffic must not be"
                    + " switched to it: use cutover.switch none (a rehearsal) or drop temporary");
        }
    }

    private void target(Target t, String cutoverSwitch) {
        if (t == null) {
            problem("target", "required: provisioner local (a private MariaDB started here), existing (your server) or ec2 (a temporary EC2 instance)");
            return;
        }
        if (blank(t.provisioner())) {
            problem("target.provisioner", "required: one of " + String.join(", ", PROVISIONERS));
            return;
        }
        String kind = t.provisioner().toLowerCase(Locale.ROOT);
        if (!PROVISIONERS.contains(kind)) {
            problem("target.provisioner", "unknown '" + t.provisioner() + "'; one of " + String.join(", ", PROVISIONERS));
            return;
        }
        if (!kind.equals("ec2")) {
            notFor("target.ec2", t.ec2(), "ec2");
        }
        if (kind.equals("ec2")) {
            ec2(t, cutoverSwitch);
            return;
        }
        if (kind.equals("local")) {
            notFor("target.jdbc_url", t.jdbcUrl(), "existing");
            notFor("target.host", t.host(), "existing");
            notFor("target.port", t.port(), "existing");
            notFor("target.user", t.user(), "existing");
            notFor("target.password", t.password(), "existing");
            notFor("target.overwrite", t.overwrite(), "existing");
            if (t.memory() != null && !MEMORY.matcher(t.memory()).matches()) {
                problem("target.memory", "must be a size like 512M or 4G (the InnoDB buffer pool), got '" + t.memory() + "'");
            }
            if (t.binDir() != null && !Files.isDirectory(Path.of(t.binDir()))) {
                problem("target.bin_dir", "not a directory: " + t.binDir());
            }
            return;
        }
        notFor("target.datadir", t.datadir(), "local");
        notFor("target.memory", t.memory(), "local");
        notFor("target.keep", t.keep(), "local");
        notFor("target.bin_dir", t.binDir(), "local");
        if (t.jdbcUrl() != null && (t.host() != null || t.port() != null)) {
            problem("target.jdbc_url", "give either jdbc_url or host and port, not both");
        } else if (t.jdbcUrl() == null && blank(t.host())) {
            problem("target.host", "required for provisioner existing (or give jdbc_url)");
        }
        port("target.port", t.port());
        required("target.user", t.user());
        boolean passwordOk = password("target.password", t.password());
        boolean urlOk = t.jdbcUrl() != null || (!blank(t.host()) && (t.port() == null || validPort(t.port())));
        if (urlOk && passwordOk && !blank(t.user())) {
            try {
                t.existingSettings(List.of());
            } catch (IllegalArgumentException e) {
                problem(t.jdbcUrl() != null ? "target.jdbc_url" : "target.host", e.getMessage());
            }
        }
    }

    private void clone(Clone c) {
        if (c == null) {
            problem("clone", "required: method and include (the schemas or tables to clone)");
            return;
        }
        String method = c.method() == null ? "snapshot" : c.method().toLowerCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            problem("clone.method", "unknown '" + c.method() + "'; one of " + String.join(", ", METHODS));
        }
        if (c.include() == null || c.include().isEmpty()) {
            problem("clone.include", "required: the schemas (db) or tables (db.table) to clone");
        } else {
            for (int i = 0; i < c.include().size(); i++) {
                String inc = c.include().get(i);
                if (inc == null || !INCLUDE.matcher(inc).matches()) {
                    problem("clone.include[" + i + "]", "must be db or db.table, got '" + inc + "'");
                }
            }
        }
        if (method.equals("existing")) {
            if (blank(c.gtid())) {
                problem("clone.gtid", "required with method existing: the source GTID position of the restored backup");
            } else if (!GTID.matcher(c.gtid().trim()).matches()) {
                problem("clone.gtid", "must be a GTID position like 0-1-4242 (domain-server-sequence, comma-separated), got '"
                        + c.gtid() + "'");
            }
        } else if (c.gtid() != null && METHODS.contains(method)) {
            problem("clone.gtid", "only for method existing (the position of a restored backup)");
        }
        range("clone.readers", c.readers(), 1, 64);
        range("clone.writers", c.writers(), 1, 64);
        range("clone.copiers", c.copiers(), 1, 64);
        range("clone.chunk_rows", c.chunkRows(), 1, 1_000_000);
    }

    private void upgrade(Upgrade u) {
        if (u == null) {
            problem("upgrade", "required: sql (files run in order) and/or command (argv), with timeout and expected_duration");
            return;
        }
        if (u.sqlList().isEmpty() && u.commandList().isEmpty()) {
            problem("upgrade", "give sql (a list of files) and/or command (a list: program and arguments)");
        }
        for (int i = 0; i < u.sqlList().size(); i++) {
            required("upgrade.sql[" + i + "]", u.sqlList().get(i));
        }
        for (int i = 0; i < u.commandList().size(); i++) {
            required("upgrade.command[" + i + "]", u.commandList().get(i));
        }
        positiveDuration("upgrade.timeout", u.timeout());
        positiveDuration("upgrade.expected_duration", u.expectedDuration());
    }

    private void translators(Translators t) {
        if (t == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < t.nameList().size(); i++) {
            String n = t.nameList().get(i);
            if (blank(n)) {
                problem("translators.names[" + i + "]", "must not be empty");
            } else if (!seen.add(n)) {
                problem("translators.names[" + i + "]", "'" + n + "' is listed twice");
            }
        }
        if (t.pluginDir() != null && !Files.isDirectory(Path.of(t.pluginDir()))) {
            problem("translators.plugin_dir", "directory not found: " + t.pluginDir());
        }
        for (int i = 0; i < t.mappingList().size(); i++) {
            String m = t.mappingList().get(i);
            if (blank(m)) {
                problem("translators.mappings[" + i + "]", "must not be empty");
            } else if (!Files.isRegularFile(Path.of(m))) {
                problem("translators.mappings[" + i + "]", "file not found: " + m);
            }
        }
        for (int i = 0; i < t.dropList().size(); i++) {
            String d = t.dropList().get(i);
            if (d == null || !TABLE.matcher(d).matches()) {
                problem("translators.drop[" + i + "]", "must be db.table, got '" + d + "'");
            }
        }
    }

    private void journal(Journal j) {
        if (j == null) {
            problem("journal", "required: dir (where captured changes wait to be applied) and disk_budget (like 20GiB)");
            return;
        }
        required("journal.dir", j.dir());
        if (j.kind() != null && !java.util.Set.of("file", "kafka").contains(j.kind())) {
            problem("journal.kind", "unknown '" + j.kind() + "'; one of file (segment files in dir), kafka (a topic)");
        }
        if (j.isKafka()) {
            if (j.bootstrap() == null || !j.bootstrap().matches("[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*")) {
                problem("journal.bootstrap", "kind kafka needs the brokers as host:port[,host:port], got '" + j.bootstrap() + "'");
            }
            if (j.topic() != null && !j.topic().matches("[A-Za-z0-9._-]{1,249}")) {
                problem("journal.topic", "must be 1-249 letters, digits, '.', '_' or '-', got '" + j.topic() + "'");
            }
        } else if (j.bootstrap() != null || j.topic() != null) {
            problem("journal.kind", "bootstrap and topic are for kind: kafka; set kind: kafka or remove them");
        }
        if (j.diskBudget() != null) {
            try {
                if (Sizes.parse(j.diskBudget()) <= 0) {
                    problem("journal.disk_budget", "must be more than 0, got '" + j.diskBudget() + "'");
                }
            } catch (IllegalArgumentException e) {
                problem("journal.disk_budget", e.getMessage());
            }
        }
    }

    private void catchUp(CatchUp c) {
        if (c == null) {
            return;
        }
        range("catch_up.ready_lag_seconds", c.readyLagSeconds(), 0, 86_400);
        range("catch_up.apply_workers", c.applyWorkers(), 1, 64);
        positiveDuration("catch_up.sustained", c.sustained());
        if (c.ddl() != null && !java.util.Set.of("pause", "translator").contains(c.ddl())) {
            problem("catch_up.ddl", "unknown '" + c.ddl() + "'; one of pause, translator");
        }
    }

    private void cutover(Cutover c) {
        if (c == null) {
            return;
        }
        positiveDuration("cutover.timeout", c.timeout());
        positiveDuration("cutover.drain_timeout", c.drainTimeout());
        positiveDuration("cutover.max_read_only", c.maxReadOnly());
        positiveDuration("cutover.rollback_window", c.rollbackWindow());
        positiveDuration("cutover.max_drain", c.maxDrain());
        range("cutover.verify_recent", c.verifyRecent(), 0, 1_000_000);
        if (c.cloneAddress() != null && !c.cloneAddress().matches("[^:\\s]+:\\d{1,5}")) {
            problem("cutover.clone_address", "must be host:port, got '" + c.cloneAddress() + "'");
        }
        if (c.users() != null) {
            for (int i = 0; i < c.users().size(); i++) {
                if (blank(c.users().get(i)) || c.users().get(i).contains("'")) {
                    problem("cutover.users[" + i + "]", "must be an account name (user or user@host)");
                }
            }
        }
        Cutover.SwitchKind kind;
        try {
            kind = c.switchValue();
        } catch (IllegalArgumentException e) {
            problem("cutover.switch", "unknown '" + c.switchKind() + "'; one of proxy, haproxy, proxysql, hook, none");
            return;
        }
        requireSection("cutover.proxy", c.proxy(), kind == Cutover.SwitchKind.PROXY);
        requireSection("cutover.haproxy", c.haproxy(), kind == Cutover.SwitchKind.HAPROXY);
        requireSection("cutover.proxysql", c.proxysql(), kind == Cutover.SwitchKind.PROXYSQL);
        requireSection("cutover.hook", c.hook(), kind == Cutover.SwitchKind.HOOK);
        if (c.proxy() != null) {
            if (c.proxy().listen() == null || !c.proxy().listen().matches("[^:\\s]*:\\d{1,5}")) {
                problem("cutover.proxy.listen", "required: host:port where the application connects, like 127.0.0.1:6033");
            }
            if (c.proxy().users() != null) {
                c.proxy().users().forEach((user, ref) -> password("cutover.proxy.users." + user, ref));
            }
        }
        if (c.haproxy() != null) {
            required("cutover.haproxy.socket", c.haproxy().socket());
            required("cutover.haproxy.backend", c.haproxy().backend());
            required("cutover.haproxy.production", c.haproxy().production());
            required("cutover.haproxy.clone", c.haproxy().cloneServer());
        }
        if (c.proxysql() != null) {
            required("cutover.proxysql.host", c.proxysql().host());
            port("cutover.proxysql.port", c.proxysql().port());
            required("cutover.proxysql.user", c.proxysql().user());
            password("cutover.proxysql.password", c.proxysql().password());
            if (c.proxysql().writerHostgroups() == null || c.proxysql().writerHostgroups().isEmpty()) {
                problem("cutover.proxysql.writer_hostgroups", "required: the hostgroup id(s) the application writes through");
            }
        }
        if (c.hook() != null) {
            if (c.hook().command() == null || c.hook().command().isEmpty()) {
                problem("cutover.hook.command", "required: the program and its arguments, as a list");
            }
            positiveDuration("cutover.hook.timeout", c.hook().timeout());
        }
    }

    private void verify(MigrationConfig.Verify v) {
        if (v == null) {
            return;
        }
        if (!"off".equals(v.every())) {
            positiveDuration("verify.every", v.every());
        }
        range("verify.sample", v.sample(), 1, 1_000_000);
        range("verify.rate", v.rate(), 1, 10_000_000);
    }

    private void capture(MigrationConfig.Capture c) {
        if (c == null) {
            return;
        }
        MigrationConfig.Capture.Kind kind;
        try {
            kind = c.kindValue();
        } catch (IllegalArgumentException e) {
            problem("capture.kind", "unknown '" + c.kind() + "'; one of binlog, debezium-engine, debezium-topics");
            return;
        }
        boolean topics = kind == MigrationConfig.Capture.Kind.DEBEZIUM_TOPICS;
        if (topics) {
            required("capture.bootstrap", c.bootstrap());
            required("capture.topic_prefix", c.topicPrefix());
        } else {
            if (c.bootstrap() != null) problem("capture.bootstrap", "only with kind: debezium-topics");
            if (c.topicPrefix() != null) problem("capture.topic_prefix", "only with kind: debezium-topics");
            if (c.transactionTopic() != null) problem("capture.transaction_topic", "only with kind: debezium-topics");
        }
        if (c.serverId() != null && kind != MigrationConfig.Capture.Kind.DEBEZIUM_ENGINE) {
            problem("capture.server_id", "only with kind: debezium-engine");
        }
        range("capture.server_id", c.serverId(), 1, Integer.MAX_VALUE);
        if (kind == MigrationConfig.Capture.Kind.BINLOG && c.connector() != null) {
            problem("capture.connector", "only with a debezium kind");
        }
    }

    private void requireSection(String path, Object section, boolean needed) {
        if (needed && section == null) {
            problem(path, "required for this switch");
        } else if (!needed && section != null) {
            problem(path, "only with switch: " + path.substring(path.lastIndexOf('.') + 1));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A password must be a reference; a literal is refused without being shown. */
    private boolean password(String path, String value) {
        if (blank(value)) {
            problem(path, "required: a credential reference, env:VAR_NAME or file:/path/to/file");
            return false;
        }
        if (!value.startsWith("env:") && !value.startsWith("file:")) {
            problem(path, "a literal password is not accepted (the value is not shown): put it in an environment"
                    + " variable or a file and write env:VAR_NAME or file:/path/to/file");
            return false;
        }
        try {
            CredentialRef.parse(value);
            return true;
        } catch (IllegalArgumentException e) {
            problem(path, e.getMessage());
            return false;
        }
    }

    private void port(String path, Integer port) {
        if (port != null && !validPort(port)) {
            problem(path, "must be 1-65535, got " + port);
        }
    }

    private static boolean validPort(int port) {
        return port >= 1 && port <= 65535;
    }

    private void range(String path, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            problem(path, "must be " + min + "-" + max + ", got " + value);
        }
    }

    private void positiveDuration(String path, String value) {
        if (value == null) {
            return;
        }
        try {
            if (Durations.parse(value).isZero() || Durations.parse(value).isNegative()) {
                problem(path, "must be more than 0, got '" + value + "'");
            }
        } catch (IllegalArgumentException e) {
            problem(path, e.getMessage());
        }
    }

    private void required(String path, String value) {
        if (blank(value)) {
            problem(path, "required");
        }
    }

    private void notFor(String path, Object value, String provisioner) {
        if (value != null) {
            problem(path, "only for provisioner " + provisioner);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private void problem(String path, String message) {
        problems.add(path + ": " + message);
    }

    static boolean isIdentifier(String s) {
        return s != null && IDENT.matcher(s).matches();
    }
}
