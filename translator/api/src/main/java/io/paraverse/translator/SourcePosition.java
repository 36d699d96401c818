package io.paraverse.translator;

import java.util.Objects;

/**
 * Where a change sits in the source's binlog.
 *
 * @param gtid        the GTID of the transaction that made the change ("0-1-42" on MariaDB); its transaction id
 * @param gtidPosition the GTID position to resume from after this transaction (one "domain-server-seq" per
 *                    domain, comma-separated), as {@code @@gtid_binlog_pos} prints it
 * @param binlogFile  binlog file name of the event
 * @param binlogPos   offset of the event in that file
 */
public record SourcePosition(String gtid, String gtidPosition, String binlogFile, long binlogPos) {
    public SourcePosition {
        Objects.requireNonNull(binlogFile, "binlogFile");
    }

    @Override
    public String toString() {
        return "gtid " + gtid + " at " + binlogFile + ":" + binlogPos;
    }
}
