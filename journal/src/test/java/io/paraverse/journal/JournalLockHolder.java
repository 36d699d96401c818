package io.paraverse.journal;

import java.nio.file.Path;

/** Helper process for the lock test: opens the journal, says so, and holds it until killed. */
public final class JournalLockHolder {
    private JournalLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        SegmentJournal journal = SegmentJournal.open(Path.of(args[0]), JournalOptions.defaults());
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
        journal.close();
    }
}
