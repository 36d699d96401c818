package io.paraverse.daemon.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** A runbook command that calls the daemon: prints its answer as text (or JSON) and exits with {@link ExitCodes}. */
public abstract class ApiCommand implements Callable<Integer> {
    @Mixin
    protected ApiOptions api;
    @picocli.CommandLine.Option(names = "--json", description = "print the daemon's JSON answer instead of text")
    protected boolean json;

    /** Calls the daemon; returns what to print. */
    abstract JsonNode call(ApiClient client) throws Exception;

    /** The text rendering of the answer. */
    abstract void print(JsonNode answer);

    /** The exit code for a successful call's answer (a refused cutover or a dirty verification: 1). */
    int exitCode(JsonNode answer) {
        return ExitCodes.OK;
    }

    @Override
    public Integer call() throws Exception {
        try {
            JsonNode answer = call(api.client());
            if (json) {
                System.out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            } else {
                print(answer);
            }
            return exitCode(answer);
        } catch (ApiCallException e) {
            if (json && e.body != null) {
                System.out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(e.body));
            }
            System.err.println("paraverse: " + e.getMessage());
            return e.exitCode;
        }
    }
}
