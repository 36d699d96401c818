package io.paraverse.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon thread that makes committed data durable: syncs when a commit asked for it, and an idle committed
 * tail once the sync interval has passed, so a quiet source never leaves a commit invisible to readers.
 */
final class BackgroundSyncer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundSyncer.class);

    private final SegmentJournalWriter writer;

    BackgroundSyncer(SegmentJournalWriter writer) {
        this.writer = writer;
    }

    static Thread start(SegmentJournalWriter writer, String name) {
        Thread t = new Thread(new BackgroundSyncer(writer), name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void run() {
        try {
            while (writer.awaitSyncDue()) {
                writer.syncCommitted();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the writer logged the failure and now refuses writes; nothing more to sync
            log.debug("journal syncer stops: {}", e.toString());
        }
    }
}
