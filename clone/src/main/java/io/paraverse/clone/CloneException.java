package io.paraverse.clone;

/** The clone cannot (or refuses to) proceed; the message names the schema/table concerned. */
public class CloneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CloneException(String message) {
        super(message);
    }

    public CloneException(String message, Throwable cause) {
        super(message, cause);
    }
}
