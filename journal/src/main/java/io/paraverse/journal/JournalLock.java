package io.paraverse.journal;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <dir>/LOCK}, held while a journal is open, so two processes never write the
 * same journal. The OS releases it if the process dies; the file holds the owner's pid for diagnosis.
 */
final class JournalLock implements Closeable {
    static final String FILE_NAME = "LOCK";

    private final FileChannel channel;
    private final FileLock lock;

    private JournalLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static JournalLock acquire(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                ch.close();
                throw new IllegalStateException("journal " + dir + " is in use by another process"
                        + " (this process already has it open; close that SegmentJournal first)");
            }
            if (lock == null) {
                String owner = readOwner(ch);
                ch.close();
                throw new IllegalStateException("journal " + dir + " is in use by another process" + owner
                        + "; stop it, or give this instance its own journal directory");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new JournalLock(ch, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock journal " + dir + " via " + file + ": " + e.getMessage(), e);
        }
    }

    private static String readOwner(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
