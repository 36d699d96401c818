package io.paraverse.cloud.local;

import java.util.List;

/**
 * A source server (binlog on) and a target server (binlog off), started in parallel and stopped together: the
 * pair every pipeline, clone and end-to-end test needs.
 */
public record SourceAndTarget(MariaDbServer source, MariaDbServer target) implements AutoCloseable {

    /** Starts "{prefix}-src" and "{prefix}-tgt" with default options. */
    public static SourceAndTarget start(String prefix) {
        List<MariaDbServer> s = MariaDbServer.startAll(MariaDbOptions.source(prefix + "-src"), MariaDbOptions.target(prefix + "-tgt"));
        return new SourceAndTarget(s.get(0), s.get(1));
    }

    @Override
    public void close() {
        try {
            source.close();
        } finally {
            target.close();
        }
    }
}
