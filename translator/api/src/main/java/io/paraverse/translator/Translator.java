package io.paraverse.translator;

import java.util.List;
import java.util.Set;

/**
 * Rewrites one source row change into zero, one or many target ops on the new schema.
 * Must be pure and deterministic for a given change and context, never modify its input, and be safe to call
 * from one thread at a time. Extend {@link AbstractTranslator} rather than implementing this directly.
 */
public interface Translator {

    /** Stable name used to select this translator in the migration definition. */
    String name();

    /** Source tables handled, as "schema.table"; "schema.*" claims a whole schema. */
    Set<String> sourceTables();

    List<TargetOp> translate(RowChange change, TranslationContext ctx);

    /**
     * Under the "translator" DDL policy: whether this translator copes with the row changes that follow a schema
     * change of the source (for example a column it ignores was added). False, the default, pauses the migration for
     * the operator. Called on the capture thread; must be quick and must not block.
     */
    default boolean acceptsSchemaChange(SchemaChange change) {
        return false;
    }
}
