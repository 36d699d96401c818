package io.paraverse.daemon.verify;

import io.paraverse.daemon.verify.VerificationReport.Finding;
import io.paraverse.daemon.verify.VerificationReport.Mismatch;

import java.util.List;

/**
 * The comparison of one source key: its raw and canonical key, a digest of the production row as read ("absent" when
 * there is none; a re-check compares these to tell a settled difference from a moving row), the target rows the
 * translation expects, and what differs.
 */
record KeyCheck(List<Object> key, RowKey sourceKey, String sourceState, List<Expected> expected,
                List<Mismatch> mismatches, List<Finding> missing, List<Finding> extra, Finding notApplied, Finding failed) {

    boolean clean() {
        return mismatches.isEmpty() && missing.isEmpty() && extra.isEmpty() && notApplied == null && failed == null;
    }

    boolean sourcePresent() {
        return !RowComparer.ABSENT.equals(sourceState);
    }
}
