package io.paraverse.translator;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a translator may use besides its input: its configuration, persistent id maps and id allocators (stored on
 * the target in the same transaction as the ops they belong to, so a replay after a crash sees the same ids), and
 * read-only lookups of target rows (which see the ops of every change translated before this one).
 * <p>
 * {@link #of} gives a context without persistence (configuration and schema map only), for translators that need
 * none; the applier supplies the persistent one.
 */
public interface TranslationContext {

    /** The translator's own configuration from the migration definition (never null). */
    Map<String, String> config();

    /**
     * Where to write what would go to schema {@code schema} (a source schema for identity translation, or the target
     * schema a translator writes to): identity unless configured. Translators should pass their target schema
     * through this, so an operator (and translate-check, which writes to a scratch schema) can redirect them.
     */
    default String targetSchema(String sourceSchema) {
        return sourceSchema;
    }

    /** The persistent id map called {@code name} (created empty on first use). */
    default IdMap idMap(String name) {
        throw new UnsupportedOperationException("id maps need the applier's persistent context (id map " + name + ")");
    }

    /** The next value of a persistent id sequence (see {@link IdAllocator}). */
    default long allocate(IdAllocator allocator) {
        throw new UnsupportedOperationException("id allocation needs the applier's persistent context (" + allocator.name() + ")");
    }

    /**
     * The current values of the target row of {@code table} with the given key ({@code table.columns()} order), as the
     * target holds it after the ops of all earlier changes; empty if there is no such row.
     */
    default Optional<List<Object>> lookup(TargetTable table, List<Object> keyValues) {
        throw new UnsupportedOperationException("lookups need the applier's persistent context (" + table.qualifiedName() + ")");
    }

    static TranslationContext of(Map<String, String> config, Map<String, String> schemaMap) {
        Map<String, String> cfg = Map.copyOf(config);
        Map<String, String> schemas = Map.copyOf(schemaMap);
        return new TranslationContext() {
            @Override public Map<String, String> config() { return cfg; }
            @Override public String targetSchema(String s) { return schemas.getOrDefault(s, s); }
        };
    }
}
