package io.paraverse.journal.kafka;

/** A record of the journal's topic is not a decodable journal entry; the message names topic, partition and offset. */
public final class KafkaJournalCorruptException extends RuntimeException {
    KafkaJournalCorruptException(String message) {
        super(message);
    }
}
