package io.paraverse.journal;

import io.paraverse.translator.Commit;

import java.util.Optional;

/**
 * The ordered, durable log between capture and apply. One writer appends; any number of readers replay from
 * any committed position. Readers see only records up to the last durable (fsynced) commit record.
 */
public interface Journal extends AutoCloseable {

    /** The single writer. Opening the journal already truncated a torn tail and any uncommitted trailing rows. */
    JournalWriter writer();

    /** Reads records with sequence numbers greater than {@code afterSeq} (0 = from the oldest retained). */
    JournalReader readAfter(long afterSeq);

    /** Sequence number of the last durable commit record, 0 if none. */
    long lastDurableSeq();

    /** The last durable commit: where capture resumes after a restart. */
    Optional<Commit> lastCommit();

    /**
     * Everything up to and including {@code seq} has been applied durably on the target: whole segments
     * below it may be deleted. The journal never deletes what a reader after {@code seq} still needs.
     */
    void releaseUpTo(long seq);

    /** Bytes the journal occupies on disk now. */
    long sizeBytes();

    @Override
    void close();
}
