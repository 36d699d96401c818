package io.paraverse.daemon.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paraverse upgrade-log NAME}: the tail of a migration's upgrade log. */
@Command(name = "upgrade-log", mixinStandardHelpOptions = true, description = "Print the last lines of a migration's upgrade log.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:printed", "1:failed", "2:bad usage", "3:daemon unreachable",
        "5:no such migration", "6:missing or wrong token"})
public final class UpgradeLogCommand extends ApiCommand {
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--lines", defaultValue = "100", description = "how many (default ${DEFAULT-VALUE})") int lines;

    @Override
    JsonNode call(ApiClient client) {
        return client.get("/api/v1/migrations/" + name + "/upgrade-log?lines=" + lines);
    }

    @Override
    void print(JsonNode answer) {
        answer.path("lines").forEach(l -> System.out.println(l.asText()));
    }
}
