package io.paraverse.journal;

/**
 * Framing of one journal record: {@code int length | int crc32c(payload) | payload}, where the payload is
 * {@code byte type | long seq | body}. ROW and COMMIT records consume sequence numbers; a TABLE record carries
 * the sequence number of the row that follows it and consumes none.
 */
final class RecordFormat {
    static final int FRAME_BYTES = 8;
    /** type + seq: the smallest possible payload. */
    static final int MIN_PAYLOAD = 9;

    static final byte TABLE = 1;
    static final byte ROW = 2;
    static final byte COMMIT = 3;

    private RecordFormat() {
    }

    static boolean isKnownType(int type) {
        return type == TABLE || type == ROW || type == COMMIT;
    }

    static String typeName(int type) {
        switch (type) {
            case TABLE: return "table";
            case ROW: return "row";
            case COMMIT: return "commit";
            default: return "unknown (type " + type + ")";
        }
    }
}
