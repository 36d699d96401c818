package io.paraverse.capture;

import io.paraverse.translator.SourcePosition;

/**
 * A snapshot of a capture's progress.
 *
 * @param state               lifecycle state
 * @param rowsCaptured        row changes of committed transactions delivered to the sink
 * @param transactions        commits delivered to the sink (including DDL and empty transactions)
 * @param lastCommitted       position of the last commit delivered (null before the first);
 *                            {@code lastCommitted.gtidPosition()} is where a restart resumes
 * @param resumePosition      the GTID position capture resumes from after a reconnect or restart
 * @param connected           whether the binlog connection is open and streaming
 * @param secondsBehindSource now minus the source timestamp of the last transaction read while events flow;
 *                            0 when the stream is idle and caught up (a heartbeat arrived since); -1 when not
 *                            connected
 * @param reconnects          reconnect attempts since start: one per lost connection and one per failed attempt
 *                            to reopen it
 * @param lastError           the last connection or capture error (null if none), without secrets
 */
public record CaptureStats(BinlogCapture.State state, long rowsCaptured, long transactions,
                           SourcePosition lastCommitted, String resumePosition, boolean connected,
                           long secondsBehindSource, long reconnects, String lastError) {
}
