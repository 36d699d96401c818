package io.paraverse.translator;

/**
 * The translators of a migration are misconfigured: a plugin that cannot be loaded, two translators with the same
 * name or claiming the same table, a name that is not available. Thrown at start-up (or, for a conflict only the
 * first change of a table can reveal, at that change), never for a single bad row.
 */
public class TranslatorConfigurationException extends RuntimeException {
    public TranslatorConfigurationException(String message) {
        super(message);
    }

    public TranslatorConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
