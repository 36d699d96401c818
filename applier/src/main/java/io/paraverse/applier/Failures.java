package io.paraverse.applier;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Which target errors are transient: worth rolling back and replaying the target transaction. */
final class Failures {
    private Failures() { }

    static boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && transientOne(s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean transientOne(SQLException e) {
        if (e.getErrorCode() == 1153) {
            return false; // packet bigger than max_allowed_packet: retrying cannot help
        }
        switch (e.getErrorCode()) {
            case 1205: // lock wait timeout
            case 1213: // deadlock
            case 1040: // too many connections
            case 1053: // server shutdown in progress
            case 1077: // normal shutdown
            case 1079: // shutdown complete
            case 1152: case 1154: case 1156: case 1157: case 1158: case 1159: case 1160: case 1161: // network
            case 1180: // got error during commit (engine)
            case 1927: // connection killed
            case 2002: case 2003: case 2006: case 2013: case 2055: // client: cannot connect / gone away / lost
                return true;
            default:
                break;
        }
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("HY008"))) {
            return true; // connection exception, serialization failure (deadlock), timeout
        }
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException;
    }

    /** The connection itself is unusable: replace it rather than rolling back on it. */
    static boolean connectionLost(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if ((state != null && state.startsWith("08")) || s instanceof SQLNonTransientConnectionException
                        || s instanceof SQLRecoverableException || s.getErrorCode() == 1927 || s.getErrorCode() == 2006
                        || s.getErrorCode() == 2013 || s.getErrorCode() == 1053) {
                    return true;
                }
            }
        }
        return false;
    }
}
