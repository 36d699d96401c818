package io.paraverse.applier;

import java.sql.SQLException;

/**
 * Reads from the target on the apply session, inside the open target transaction (so reads see what this applier
 * wrote but has not committed), with transient errors handled like writes: rolled back, backed off and retried,
 * or replayed from the checkpoint if the open transaction held written work (see {@link TransientRecovery}).
 * Apply thread only.
 */
final class TargetReader {
    interface Read<T> {
        T apply(TargetSession s) throws SQLException;
    }

    private final SessionHolder sessions;
    private final TransientRecovery recovery;
    private final Batch batch;

    TargetReader(SessionHolder sessions, TransientRecovery recovery, Batch batch) {
        this.sessions = sessions;
        this.recovery = recovery;
        this.batch = batch;
    }

    <T> T read(String what, Read<T> read) {
        int attempt = 0;
        while (true) {
            try {
                return read.apply(sessions.get(batch.lastSeenSeq));
            } catch (SQLException e) {
                if (!Failures.isTransient(e)) {
                    throw new ApplyException("cannot read " + what, null, null, batch.lastSeenSeq, null, e, false);
                }
                recovery.recover(new TransientFailure("reading " + what, e), ++attempt, -1);
            } catch (TransientFailure t) {
                recovery.recover(t, ++attempt, -1);
            }
        }
    }
}
