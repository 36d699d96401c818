package io.paraverse.journal;

import java.nio.file.Path;

/** A record that is not the torn tail failed its checksum or could not be decoded: never skipped silently. */
public class JournalCorruptException extends RuntimeException {
    private final Path segment;
    private final long offset;

    public JournalCorruptException(Path segment, long offset, String what) {
        super("journal corrupt in segment " + segment + " at offset " + offset + ": " + what
                + ". The journal cannot be replayed past this point; restore the segment from a backup, or start the"
                + " migration from a fresh clone (paraverse keeps the damaged file untouched for inspection)");
        this.segment = segment;
        this.offset = offset;
    }

    public Path segment() { return segment; }
    public long offset() { return offset; }
}
