package io.paraverse.journal;

/**
 * A record's frame is unusable: it runs past the readable end, or its length or checksum is wrong.
 * Whether that is a torn tail or corruption depends on where it is, which only the caller knows.
 */
final class FrameException extends Exception {
    private final long offset;
    private final String reason;

    FrameException(long offset, String reason) {
        super(reason + " at offset " + offset, null, false, false);
        this.offset = offset;
        this.reason = reason;
    }

    long offset() {
        return offset;
    }

    String reason() {
        return reason;
    }
}
