package io.paraverse.translator;

/** A change could not be translated. Carries the change so the error names table and binlog position. */
public class TranslationException extends RuntimeException {
    private final transient RowChange change;

    public TranslationException(String message, RowChange change) {
        super(message + (change == null ? "" : " (" + change + ")"));
        this.change = change;
    }

    public TranslationException(String message, RowChange change, Throwable cause) {
        super(message + (change == null ? "" : " (" + change + ")"), cause);
        this.change = change;
    }

    public RowChange change() { return change; }
}
