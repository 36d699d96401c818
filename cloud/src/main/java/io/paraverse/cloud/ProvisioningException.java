package io.paraverse.cloud;

/** A target server cannot be provisioned as asked; the message says why and what to do. Never carries a password. */
public class ProvisioningException extends RuntimeException {
    public ProvisioningException(String message) {
        super(message);
    }

    public ProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
