package io.paraverse.daemon.upgrade;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An upgrade run's output: each line goes, timestamped, to the migration's log file (appended, flushed per line so
 * an operator can tail it), into a bounded in-memory tail for status, and to a listener. Secrets given at
 * construction are replaced by {@code ****} before a line goes anywhere, in case a script echoes them.
 */
public final class UpgradeLog implements Closeable {
    static final String REDACTED = "****";

    private final BufferedWriter file;
    private final int tailLines;
    private final ArrayDeque<String> tail;
    private final List<String> secrets;
    private final UpgradeListener listener;
    private volatile String lastLine = "";
    private boolean fileFailed;

    public UpgradeLog(Path logFile, int tailLines, List<String> secrets, UpgradeListener listener) {
        if (tailLines < 1) {
            throw new IllegalArgumentException("tailLines must be positive");
        }
        this.tailLines = tailLines;
        this.tail = new ArrayDeque<>(Math.min(tailLines, 1024));
        this.secrets = secrets.stream().filter(Objects::nonNull).filter(s -> !s.isEmpty()).toList();
        this.listener = listener;
        try {
            Path parent = logFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.file = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open upgrade log " + logFile, e);
        }
    }

    /** Records one line of output (a line break inside is split into several). */
    public void line(String text) {
        for (String one : redact(text).split("\r?\n|\r", -1)) {
            record(one);
        }
    }

    private synchronized void record(String text) {
        Instant now = Instant.now();
        if (!fileFailed) {
            try {
                file.write(now + " " + text);
                file.newLine();
                file.flush();
            } catch (IOException e) {
                fileFailed = true; // a full disk must not fail the upgrade itself; the tail still has the output
            }
        }
        if (tail.size() == tailLines) {
            tail.removeFirst();
        }
        tail.addLast(text);
        lastLine = text;
        if (listener != null) {
            try {
                listener.line(now, text);
            } catch (RuntimeException e) {
                // a status display's bug must not fail the upgrade
            }
        }
    }

    /** Replaces every secret in {@code text}. */
    public String redact(String text) {
        String r = text == null ? "" : text;
        for (String s : secrets) {
            r = r.replace(s, REDACTED);
        }
        return r;
    }

    /** The last lines recorded, oldest first. */
    public synchronized List<String> tail() {
        return new ArrayList<>(tail);
    }

    public String lastLine() {
        return lastLine;
    }

    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException e) {
            // nothing left to write
        }
    }
}
