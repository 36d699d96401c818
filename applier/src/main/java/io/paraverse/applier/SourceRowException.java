package io.paraverse.applier;

import io.paraverse.translator.SourcePosition;

import java.util.List;

/**
 * A source row cannot be turned into writable ops (the translator failed, an op names a missing table or has a NULL
 * key): raised before any op of its source transaction is written, so the applier can commit everything before
 * that transaction and stop there (or skip it, if an operator asked to).
 */
final class SourceRowException extends ApplyException {
    private final String translator;

    SourceRowException(String message, String table, List<Object> key, long journalSeq, SourcePosition position,
                       Throwable cause, String advice, String translator) {
        super(message, table, key, journalSeq, position, cause, false, advice);
        this.translator = translator;
    }

    @Override
    public String translator() {
        return translator;
    }
}
