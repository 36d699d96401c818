package io.paraverse.daemon.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code paraverse start MIGRATION.yaml}: create and start a migration in the running daemon. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Create a migration in the running daemon from its definition and start it. By default the daemon",
                "reads the file at its absolute path (the daemon runs on this host; relative paths in it resolve next",
                "to it); --upload sends the file's text instead (a remote daemon; use absolute paths in it)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:created and started", "1:failed",
        "2:bad usage or invalid definition (every problem listed)", "3:daemon unreachable", "4:a migration of that name exists",
        "6:missing or wrong token"})
public final class StartCommand extends ApiCommand {
    @Parameters(paramLabel = "MIGRATION.yaml") Path file;
    @Option(names = "--upload", description = "send the definition's text rather than its path") boolean upload;

    @Override
    JsonNode call(ApiClient client) throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new ApiCallException(ExitCodes.USAGE, "no such file: " + file);
        }
        return upload ? client.postYaml("/api/v1/migrations", Files.readString(file))
                : client.post("/api/v1/migrations", Map.of("path", file.toAbsolutePath().normalize().toString()));
    }

    @Override
    void print(JsonNode answer) {
        System.out.println("started " + answer.path("name").asText() + " (" + answer.path("phase").asText()
                + "); follow it with `paraverse status " + answer.path("name").asText() + " --watch`");
    }
}
