package io.paraverse.journal;

import java.nio.ByteBuffer;

/** A record whose frame and checksum are valid, not yet decoded. Reused: valid until the reader's next call. */
final class RawRecord {
    long offset;
    long end;
    int type;
    long seq;
    /** The body (after type and seq), positioned at its start and limited to its end. */
    ByteBuffer body;
}
