package io.paraverse.daemon.cli.client;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How a runbook command reaches the daemon: its URL and token (from a file or the environment, never argv). */
public final class ApiOptions {
    @Option(names = "--url", paramLabel = "URL", description = "the daemon's API (default $PARAVERSE_URL or http://127.0.0.1:8474)")
    String url;
    @Option(names = "--token-file", paramLabel = "FILE", description = "the API token's file (default $PARAVERSE_TOKEN_FILE)")
    Path tokenFile;
    @Option(names = "--token-env", paramLabel = "VAR", description = "environment variable holding the API token")
    String tokenEnv;
    public ApiClient client() {
        String base = url != null ? url : System.getenv().getOrDefault("PARAVERSE_URL", "http://127.0.0.1:8474");
        String token = null;
        Path file = tokenFile != null ? tokenFile : System.getenv("PARAVERSE_TOKEN_FILE") == null ? null : Path.of(System.getenv("PARAVERSE_TOKEN_FILE"));
        if (file != null) {
            try {
                token = java.nio.file.Files.readString(file).strip();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage());
            }
        } else if (tokenEnv != null) {
            token = System.getenv(tokenEnv);
            if (token == null) {
                throw new IllegalArgumentException("environment variable " + tokenEnv + " is not set");
            }
        }
        return new ApiClient(base, token);
    }
}
