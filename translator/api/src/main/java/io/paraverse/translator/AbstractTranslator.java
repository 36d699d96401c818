package io.paraverse.translator;

import java.util.Locale;
import java.util.Set;

/**
 * Base class for translators. Pass the source tables to the constructor and implement the one method,
 * {@link #translate}; the name is derived from the class name ("CurToPageTranslator" → "cur-to-page") unless
 * overridden:
 * <pre>{@code
 * public final class CurToPageTranslator extends AbstractTranslator {
 *     public CurToPageTranslator() { super("wiki.cur"); }
 *
 *     public List<TargetOp> translate(RowChange change, TranslationContext ctx) { ... }
 * }
 * }</pre>
 * A subclass may instead override {@link #sourceTables()} (for tables known only from its configuration).
 */
public abstract class AbstractTranslator implements Translator {
    private final Set<String> sourceTables;

    /** @param sourceTables "schema.table" or "schema.*" patterns this translator handles */
    protected AbstractTranslator(String... sourceTables) {
        this.sourceTables = Set.of(sourceTables);
    }

    @Override
    public String name() {
        String simple = getClass().getSimpleName().replaceAll("Translator$", "");
        return simple.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @Override
    public Set<String> sourceTables() {
        if (sourceTables.isEmpty()) {
            throw new IllegalStateException("translator " + name() + " names no source tables: pass them to AbstractTranslator's"
                    + " constructor or override sourceTables()");
        }
        return sourceTables;
    }
}
