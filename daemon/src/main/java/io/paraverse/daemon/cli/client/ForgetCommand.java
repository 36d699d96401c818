package io.paraverse.daemon.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code paraverse forget NAME}: remove an aborted migration so its name can be used again. */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Remove an ABORTED migration from the daemon so its name can be used again by `start`.",
                "Its directory (state, upgrade log) is kept as NAME.forgotten-TIME in the data directory."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:forgotten", "1:failed", "2:bad usage", "3:daemon unreachable",
        "4:not ABORTED (abort it first; a CUT_OVER migration is what the application runs on)", "5:no such migration",
        "6:missing or wrong token"})
public final class ForgetCommand extends ApiCommand {
    @Parameters(paramLabel = "NAME") String name;

    @Override
    JsonNode call(ApiClient client) {
        return client.delete("/api/v1/migrations/" + name);
    }

    @Override
    void print(JsonNode answer) {
        System.out.println(name + ": forgotten (kept in " + answer.path("keptIn").asText() + ")");
    }
}
