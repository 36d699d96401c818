package io.paraverse.applier;

import java.sql.SQLException;
import javax.sql.DataSource;

/** The apply thread's {@link TargetSession}: opened on demand, closed when lost or old. Apply thread only. */
final class SessionHolder {
    private final DataSource dataSource;
    private final String sqlMode;
    private TargetSession session;

    SessionHolder(DataSource dataSource, String sqlMode) {
        this.dataSource = dataSource;
        this.sqlMode = sqlMode;
    }

    /** The open session, opening one if needed; {@code seq} is the journal seq named if that fails for good. */
    TargetSession get(long seq) {
        if (session == null) {
            try {
                session = TargetSession.open(dataSource, sqlMode);
            } catch (SQLException e) {
                if (Failures.isTransient(e)) {
                    throw new TransientFailure("connecting to the target", e);
                }
                throw new ApplyException("cannot open a target session", null, null, seq, null, e, false);
            }
        }
        return session;
    }

    /** The open session, or null. */
    TargetSession current() {
        return session;
    }

    void rollbackQuietly() {
        if (session != null) {
            session.rollbackQuietly();
        }
    }

    /** Closes the session if it was opened more than {@code maxAgeNanos} before {@code now}. */
    void closeIfOlder(long now, long maxAgeNanos) {
        if (session != null && now - session.openedNanos > maxAgeNanos) {
            close();
        }
    }

    void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
