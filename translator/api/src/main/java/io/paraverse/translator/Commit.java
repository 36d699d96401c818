package io.paraverse.translator;

import java.util.Objects;

/**
 * The end of one source transaction: every {@link RowChange} since the previous commit belongs to it.
 * The applier makes a target transaction durable only at a commit, together with this position.
 *
 * @param position         position of the commit event; {@code gtidPosition} is where capture resumes after it
 * @param commitTimeMillis the source's commit time (binlog event timestamp, second precision)
 */
public record Commit(SourcePosition position, long commitTimeMillis) {
    public Commit {
        Objects.requireNonNull(position, "position");
    }
}
