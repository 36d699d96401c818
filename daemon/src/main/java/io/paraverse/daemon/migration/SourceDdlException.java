package io.paraverse.daemon.migration;

import io.paraverse.capture.DdlEvent;

/** Capture stopped at a schema change on the source (the default DDL policy): the migration pauses for the operator. */
final class SourceDdlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SourceDdlException(DdlEvent ddl) {
        super("source DDL at GTID " + ddl.position().gtid() + " (" + ddl.position().binlogFile() + ":" + ddl.position().binlogPos()
                + ") in schema '" + ddl.schema() + "': " + (ddl.sql().length() > 300 ? ddl.sql().substring(0, 300) + "..." : ddl.sql())
                + " -- prepare the clone and translators for it, then acknowledge that GTID and resume");
    }
}
