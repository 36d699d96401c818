package io.paraverse.applier;

import java.sql.SQLException;

/** A transient target error inside the apply path: the target transaction is rolled back and replayed. */
final class TransientFailure extends RuntimeException {
    TransientFailure(String what, SQLException cause) {
        super(what + ": " + cause.getMessage(), cause);
    }

    SQLException sql() { return (SQLException) getCause(); }
}
