package io.paraverse.translator;

import java.util.OptionalLong;

/**
 * A persistent map from a source-side key (any string the translator builds, e.g. {@code "old:1234"} or
 * {@code "0:Main_Page"}) to a target id. Changes are stored on the target in the same transaction as the ops of the
 * change being translated, so after a crash the replayed changes see exactly the map they saw the first time.
 * Obtained from {@link TranslationContext#idMap(String)}.
 */
public interface IdMap {
    /** The mapped id, if any. */
    OptionalLong get(String sourceKey);

    /** Maps {@code sourceKey} to {@code targetId}, replacing any earlier mapping. */
    void put(String sourceKey, long targetId);

    /** Forgets {@code sourceKey} (no-op if unmapped). */
    void remove(String sourceKey);

    /**
     * The mapped id, or a new one from {@code allocator} (see {@link TranslationContext#allocate}) recorded for
     * {@code sourceKey}.
     */
    default long getOrAllocate(String sourceKey, TranslationContext ctx, IdAllocator allocator) {
        OptionalLong have = get(sourceKey);
        if (have.isPresent()) {
            return have.getAsLong();
        }
        long id = ctx.allocate(allocator);
        put(sourceKey, id);
        return id;
    }
}
