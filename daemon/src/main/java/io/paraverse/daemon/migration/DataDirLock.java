package io.paraverse.daemon.migration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process at a time owns a daemon data directory ({@code daemon.lock}, an OS file lock that dies with the process,
 * kill -9 included): a second daemon, or an operator command that edits state, is refused while a daemon runs there.
 */
public final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or throws {@link IllegalStateException} saying who holds it. */
    public static DataDirLock acquire(Path dataDir, String what) {
        try {
            Files.createDirectories(dataDir);
            FileChannel ch = FileChannel.open(dataDir.resolve("daemon.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                throw new IllegalStateException(dataDir + " is in use by a running daemon: " + what
                        + " needs it stopped (SIGTERM), or use the daemon's API once it has one");
            }
            return new DataDirLock(ch, l);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // released with the process anyway
        }
    }
}
