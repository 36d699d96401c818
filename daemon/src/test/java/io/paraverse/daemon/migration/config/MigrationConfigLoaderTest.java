package io.paraverse.daemon.migration.config;

import io.paraverse.cloud.CredentialRef;
import io.paraverse.daemon.clone.CloneRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationConfigLoaderTest {

    @TempDir
    Path dir;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(MigrationConfigLoaderTest.class.getResource("/migration/" + name).toURI());
    }

    @Test
    void parsesTheCompleteExampleWithPathsResolvedAgainstTheFile() throws Exception {
        Path file = resource("complete.yaml");
        Path base = file.getParent();
        MigrationConfig c = MigrationConfigLoader.load(file);

        assertEquals("shop-2024", c.name());
        assertEquals("db1.internal", c.source().host());
        assertEquals(3306, c.source().portOrDefault());
        assertEquals(CredentialRef.env("SHOP_SOURCE_PASSWORD"), c.source().passwordRef());

        assertEquals(MigrationConfig.Target.Kind.EXISTING, c.target().kind());
        assertEquals("jdbc:mariadb://10.0.0.7:3306/", c.target().effectiveJdbcUrl());
        assertEquals(CredentialRef.file(base.resolve("secrets/target.pw")), c.target().passwordRef());
        assertFalse(c.target().overwriteAllowed());
        assertEquals(List.of("shop", "billing"), c.cloneSection().schemas());

        assertEquals(CloneRun.Method.CHUNKED, c.cloneSection().methodValue());
        assertEquals(List.of("shop", "billing.invoices"), c.cloneSection().include());
        assertEquals(2000, c.cloneSection().chunkRows());
        assertEquals(2, c.cloneSection().copiers());

        MigrationConfig.Upgrade u = c.upgrade();
        assertEquals(List.of(base.resolve("upgrade/001-schema.sql").toString(), base.resolve("upgrade/002-data.sql").toString()), u.sql());
        assertEquals(List.of(base.resolve("upgrade/migrate.sh").toString(), "--env", "prod"), u.command());
        assertEquals(base.resolve("upgrade"), u.workdirPath());
        assertEquals(Duration.ofHours(2), u.timeoutValue());
        assertEquals(Duration.ofMinutes(45), u.expectedDurationValue());
        List<UpgradeStep> steps = u.steps();
        assertEquals(3, steps.size());
        assertEquals(new UpgradeStep.SqlFile(base.resolve("upgrade/001-schema.sql"), Duration.ofHours(2), null), steps.get(0));
        assertTrue(steps.get(2) instanceof UpgradeStep.Command cmd && cmd.workdir().equals(base.resolve("upgrade")));

        assertEquals(List.of("split-customer"), c.translators().names());
        assertEquals(base.resolve("plugins"), c.translators().pluginDirPath());
        assertEquals(List.of(base.resolve("mappings/shop.yaml").toString()), c.translators().mappings());
        assertEquals(List.of("shop.sessions"), c.translators().drop());

        assertEquals(base.resolve("journal"), c.journal().dirPath());
        assertEquals(20L * 1024 * 1024 * 1024, c.journal().diskBudgetBytes());
        assertEquals(5, c.catchUp().readyLagSeconds());
        assertEquals(Duration.ofMinutes(2), c.catchUp().sustainedValue());
        assertEquals("30s", c.cutover().drainTimeout());
    }

    @Test
    void minimalLocalFileGetsDefaults() {
        MigrationConfig c = parse("""
                name: m1
                source: {host: 127.0.0.1, user: u, password: env:PW}
                target: {provisioner: local, memory: 1G, keep: true}
                clone: {include: shop}
                upgrade: {sql: up.sql}
                journal: {dir: /var/lib/j}
                """);
        assertEquals(CloneRun.Method.SNAPSHOT, c.cloneSection().methodValue());
        assertEquals(List.of("shop"), c.cloneSection().include()); // a single value is a list of one
        assertEquals(dir.resolve("paraverse-state/local"), c.target().datadirPath());
        assertTrue(c.target().localSettings().keepOnTeardown());
        assertEquals("1G", c.target().localSettings().serverOptions().get("innodb-buffer-pool-size"));
        assertNull(c.upgrade().expectedDurationValue());
        assertEquals(List.of(dir.resolve("up.sql").toString()), c.upgrade().sql());
    }

    @Test
    void everyProblemIsListedAtOnceEachNamingItsField() {
        MigrationConfigException e = assertThrows(MigrationConfigException.class, () -> parse("""
                name: "bad name!"
                source: {host: db1, port: 70000, user: u, password: env:PW}
                target: {provisioner: existing, host: t1, user: u, password: env:PW, datadir: /x}
                clone: {method: copy, include: [shop, "a.b.c"], readers: 0}
                upgrade: {sql: [up.sql], timeout: soon}
                translators: {mappings: [ok.yaml, /x/y.yaml], drop: [nodot]}
                journal: {dir: j, disk_budget: lots}
                catch_up: {ready_lag_seconds: -1}
                cutover: {drain_timeout: 0s}
                """, "ok.yaml"));
        List<String> p = e.problems();
        assertHas(p, "name: must be 1-128 letters");
        assertHas(p, "source.port: must be 1-65535, got 70000");
        assertHas(p, "target.datadir: only for provisioner local");
        assertHas(p, "clone.method: unknown 'copy'; one of snapshot, chunked, existing");
        assertHas(p, "clone.include[1]: must be db or db.table, got 'a.b.c'");
        assertHas(p, "clone.readers: must be 1-64, got 0");
        assertHas(p, "upgrade.timeout: not a duration: 'soon'");
        assertHas(p, "translators.mappings[1]: file not found: /x/y.yaml");
        assertHas(p, "translators.drop[0]: must be db.table, got 'nodot'");
        assertHas(p, "journal.disk_budget: not a size: 'lots'");
        assertHas(p, "catch_up.ready_lag_seconds: must be 0-86400, got -1");
        assertHas(p, "cutover.drain_timeout: must be more than 0");
        assertEquals(12, p.size(), String.join("\n", p));
        assertTrue(e.getMessage().contains("12 problems"), e.getMessage());
    }

    @Test
    void missingSectionsAndMethodRulesAreNamed() {
        List<String> p = assertThrows(MigrationConfigException.class, () -> parse("""
                name: m1
                source: {host: h, user: u}
                target: {provisioner: cloud}
                clone: {method: existing, include: [shop]}
                """)).problems();
        assertHas(p, "source.password: required");
        assertHas(p, "target.provisioner: unknown 'cloud'; one of local, existing");
        assertHas(p, "clone.gtid: required with method existing");
        assertHas(p, "upgrade: required");
        assertHas(p, "journal: required");
    }

    @Test
    void unknownKeysAreRejectedWithPathAndLineColumn() {
        List<String> p = assertThrows(MigrationConfigException.class, () -> parse("""
                name: m1
                source:
                  host: h
                  user: u
                  pasword: env:PW
                target: {provisioner: local}
                clone: {include: [shop]}
                upgrade: {sql: [up.sql], colour: red}
                journal: {dir: j}
                extra: {a: 1}
                """)).problems();
        assertHas(p, "source.pasword: unknown key (line 5:");
        assertHas(p, "known keys here: host, password, port, user");
        assertHas(p, "upgrade.colour: unknown key (line 8:");
        assertHas(p, "extra: unknown key (line 10:");
        assertHas(p, "source.password: required"); // validation still runs on what was understood
    }

    @Test
    void wrongTypesAreNamedWithTheirPath() {
        List<String> p = assertThrows(MigrationConfigException.class, () -> parse("""
                name: m1
                source: {host: h, port: abc, user: u, password: env:PW}
                target: {provisioner: existing, host: t, user: u, password: env:PW, overwrite: maybe}
                clone: {include: [shop], readers: [1, 2]}
                upgrade: {sql: [up.sql]}
                journal: {dir: j}
                """)).problems();
        assertHas(p, "source.port: expected a whole number, got 'abc' (line 2:");
        assertHas(p, "target.overwrite: expected true or false, got 'maybe'");
        assertHas(p, "clone.readers: expected a whole number, got a list");
    }

    @Test
    void literalPasswordIsRefusedWithoutEchoingIt() {
        MigrationConfigException e = assertThrows(MigrationConfigException.class, () -> parse("""
                name: m1
                source: {host: h, user: u, password: "Hunter2-s3cret"}
                target: {provisioner: existing, host: t, user: u, password: 12345678}
                clone: {include: [shop]}
                upgrade: {sql: [up.sql]}
                journal: {dir: j}
                """));
        assertHas(e.problems(), "source.password: a literal password is not accepted (the value is not shown)");
        assertHas(e.problems(), "target.password: a literal password is not accepted");
        assertTrue(e.getMessage().contains("env:VAR_NAME or file:/path"), e.getMessage());
        assertFalse(e.getMessage().contains("Hunter2"), e.getMessage());
        assertFalse(e.getMessage().contains("12345678"), e.getMessage());
    }

    @Test
    void yamlSyntaxErrorsCarryTheirPosition() {
        List<String> p = assertThrows(MigrationConfigException.class, () -> parse("name: m1\nsource: {host: h\n")).problems();
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("YAML syntax:") && p.get(0).contains("(line "), p.get(0));
    }

    @Test
    void durationsAndSizes() {
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofSeconds(3600), Durations.parse("3600"));
        assertEquals(Duration.ofHours(2), Durations.parse("PT2H"));
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
        assertEquals(20L << 30, Sizes.parse("20GiB"));
        assertEquals(20L << 30, Sizes.parse("20G"));
        assertEquals(10_000_000_000L, Sizes.parse("10GB"));
        assertEquals(512L << 20, Sizes.parse("512 MiB"));
        assertEquals(1536L << 30, Sizes.parse("1.5TiB"));
    }

    private MigrationConfig parse(String yaml, String... existingFiles) {
        try {
            for (String f : existingFiles) {
                Files.writeString(dir.resolve(f), "tables: []\n");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return MigrationConfigLoader.parse("test.yaml", yaml, dir);
    }

    private static void assertHas(List<String> problems, String text) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(text)), "no problem containing '" + text + "' in:\n  "
                + String.join("\n  ", problems));
    }
}
