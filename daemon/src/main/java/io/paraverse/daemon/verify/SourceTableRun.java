package io.paraverse.daemon.verify;

import io.paraverse.translator.Translator;

/**
 * One source table being verified: how its rows are read, the translator that routes them (identity compares the
 * same table and columns on the clone, keys matched one to one), and the tally of what was found.
 */
final class SourceTableRun {
    final String name;
    final SourceRows source;
    final Translator translator;
    final boolean identity;
    /** Identity only: where the rows go on the clone. */
    final String targetSchema;
    final TableTally tally;

    SourceTableRun(String name, SourceRows source, Translator translator, boolean identity, String targetSchema, TableTally tally) {
        this.name = name;
        this.source = source;
        this.translator = translator;
        this.identity = identity;
        this.targetSchema = targetSchema;
        this.tally = tally;
    }
}
