package io.paraverse.daemon.migration.config;

import io.paraverse.journal.kafka.KafkaJournalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code journal: {kind: kafka, bootstrap, topic}} in a migration file. */
class KafkaJournalConfigTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            name: m1
            source: {host: h, user: u, password: env:PW}
            target: {provisioner: local}
            clone: {include: [shop]}
            upgrade: {sql: [up.sql]}
            """;

    private MigrationConfig parse(String journal) throws Exception {
        Files.writeString(dir.resolve("up.sql"), "select 1;\n");
        return MigrationConfigLoader.parse("test.yaml", HEAD + journal, dir);
    }

    @Test
    void kafkaJournalGivesOptionsWithTheDefaultTopicPerMigration() throws Exception {
        MigrationConfig c = parse("journal: {dir: j, kind: kafka, bootstrap: 'k1:9092,k2:9093'}\n");
        KafkaJournalOptions o = c.journal().kafkaOptions(c.name());
        assertEquals("k1:9092,k2:9093", o.bootstrap());
        assertEquals("paraverse-journal-m1", o.topic());
        assertEquals("shop-journal", parse("journal: {dir: j, kind: kafka, bootstrap: 'k:9092', topic: shop-journal}\n")
                .journal().kafkaOptions("m1").topic());
        assertNull(parse("journal: {dir: j}\n").journal().kafkaOptions("m1"), "the file journal by default");
    }

    @Test
    void badKafkaSettingsAreNamed() {
        List<String> p = assertThrows(MigrationConfigException.class,
                () -> parse("journal: {dir: j, kind: kafka, topic: 'bad topic'}\n")).problems();
        assertHas(p, "journal.bootstrap: kind kafka needs the brokers as host:port");
        assertHas(p, "journal.topic: must be 1-249 letters");
        assertHas(assertThrows(MigrationConfigException.class, () -> parse("journal: {dir: j, kind: pulsar}\n")).problems(),
                "journal.kind: unknown 'pulsar'");
        assertHas(assertThrows(MigrationConfigException.class, () -> parse("journal: {dir: j, bootstrap: 'k:9092'}\n")).problems(),
                "journal.kind: bootstrap and topic are for kind: kafka");
    }

    private static void assertHas(List<String> problems, String text) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(text)), "no problem containing '" + text + "' in:\n  "
                + String.join("\n  ", problems));
    }
}
