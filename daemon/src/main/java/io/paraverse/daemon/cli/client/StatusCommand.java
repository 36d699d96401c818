package io.paraverse.daemon.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paraverse status [NAME] [--watch]}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the daemon's migrations, or one in detail: phase and timeline, lag, rates, ETA, copy progress,",
                "journal against its budget, last error."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:shown (a FAILED migration is shown too)", "1:failed",
        "2:bad usage", "3:daemon unreachable", "5:no such migration", "6:missing or wrong token"})
public final class StatusCommand extends ApiCommand {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "a migration (default: all, as a table)") String name;
    @Option(names = "--watch", arity = "0..1", fallbackValue = "2", paramLabel = "SECONDS",
            description = "refresh every SECONDS (default 2) until Ctrl-C") Integer watch;

    @Override
    JsonNode call(ApiClient client) {
        return name == null ? client.get("/api/v1/migrations") : client.get("/api/v1/migrations/" + name);
    }

    @Override
    void print(JsonNode answer) {
        if (name == null) {
            StatusView.table(answer, System.out);
        } else {
            StatusView.detail(answer, System.out);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (watch == null) {
            return super.call();
        }
        boolean terminal = System.console() != null;
        while (true) {
            if (terminal) {
                System.out.print("\033[H\033[2J"); // clear the screen between refreshes
            }
            int exit = super.call();
            if (exit != ExitCodes.OK) {
                return exit;
            }
            System.out.flush();
            Thread.sleep(watch * 1000L);
        }
    }
}
