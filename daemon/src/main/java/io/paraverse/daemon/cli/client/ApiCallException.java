package io.paraverse.daemon.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A runbook command's call failed; carries the exit code and the daemon's JSON error (for --json). */
public final class ApiCallException extends RuntimeException {
    public final int exitCode;
    public final transient JsonNode body;

    ApiCallException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    ApiCallException(int exitCode, String message, JsonNode body) {
        super(message);
        this.exitCode = exitCode;
        this.body = body;
    }
}
