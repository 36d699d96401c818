package io.paraverse.journal.kafka;

import io.paraverse.journal.JournalEntry;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.util.ArrayList;
import java.util.List;

import static io.paraverse.journal.kafka.Changes.commit;
import static io.paraverse.journal.kafka.Changes.readAll;
import static io.paraverse.journal.kafka.Changes.writeTxs;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same journal against the official apache/kafka image, where Docker exists (skipped cleanly without it). */
@Testcontainers(disabledWithoutDocker = true)
class KafkaJournalContainerTest {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

    @Test
    void roundTripAndRestartAgainstTheKafkaImage() throws Exception {
        KafkaJournalOptions o = KafkaJournalOptions.of(KAFKA.getBootstrapServers(), "journal-container");
        List<JournalEntry> written;
        try (KafkaJournal j = KafkaJournal.open(o)) {
            written = new ArrayList<>(writeTxs(j.writer(), 1, 20));
            j.writer().sync();
            assertEquals(written, readAll(j, 0, 500));
        }
        try (KafkaJournal j = KafkaJournal.open(o)) {
            assertEquals(commit(20), j.lastCommit().orElseThrow());
            written.addAll(writeTxs(j.writer(), 21, 25));
            j.writer().sync();
            assertEquals(written, readAll(j, 0, 500));
            assertEquals(written.subList(10, written.size()), readAll(j, 10, 500));
        }
    }
}
