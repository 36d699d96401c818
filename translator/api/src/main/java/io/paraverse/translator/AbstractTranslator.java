package io.paraverse.translator;

import java.util.Locale;
import java.util.Set;

/**
 * Base class for translators: subclasses implement {@link #translate} and {@link #sourceTables}; the name is
 * derived from the class name ("CurToPageTranslator" → "cur-to-page") unless overridden.
 */
public abstract class AbstractTranslator implements Translator {

    @Override
    public String name() {
        String simple = getClass().getSimpleName().replaceAll("Translator$", "");
        return simple.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @Override
    public abstract Set<String> sourceTables();
}
