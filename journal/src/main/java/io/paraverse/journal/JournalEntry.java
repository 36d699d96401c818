package io.paraverse.journal;

import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;

/**
 * One record of the journal as a reader sees it. Sequence numbers start at 1 and increase by one per record,
 * across segments, for the journal's whole life; a transaction is its row records followed by its commit record.
 */
public sealed interface JournalEntry permits JournalEntry.Row, JournalEntry.TxCommit {

    long seq();

    record Row(long seq, RowChange change) implements JournalEntry { }

    record TxCommit(long seq, Commit commit) implements JournalEntry { }
}
