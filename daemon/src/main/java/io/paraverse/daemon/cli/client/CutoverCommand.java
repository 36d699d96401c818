package io.paraverse.daemon.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code paraverse cutover NAME [--dry-run]}: move the application to the clone, or show what that would do. */
@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = {"Cut a READY migration over to the clone: preconditions (nothing is held if one fails), fence,",
                "drain, verify recent changes, switch, release. Any failure before the switch rolls back: production",
                "writable again, catch-up continues. --dry-run checks the preconditions and prints the plan only."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:cut over (or the dry run passed)",
        "1:refused, rolled back, or the switch is pending (the report says which and why)", "2:bad usage", "3:daemon unreachable",
        "4:not allowed in the current phase", "5:no such migration", "6:missing or wrong token"})
public final class CutoverCommand extends ApiCommand {
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--dry-run", description = "check the preconditions and print the plan; change nothing") boolean dryRun;
    @Option(names = "--timeout", paramLabel = "DURATION", description = "fence-to-switch budget, like 5s (default cutover.timeout)")
    String timeout;

    @Override
    JsonNode call(ApiClient client) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dryRun", dryRun);
        if (timeout != null) {
            body.put("timeout", timeout);
        }
        try {
            return client.post("/api/v1/migrations/" + name + "/cutover", body);
        } catch (ApiCallException e) {
            if (e.exitCode == ExitCodes.CONFLICT && e.body != null && e.body.has("report")) {
                return e.body; // refused or rolled back: print the report, exit 1
            }
            throw e;
        }
    }

    @Override
    int exitCode(JsonNode answer) {
        String outcome = answer.path("report").path("outcome").asText();
        return outcome.equals("CUT_OVER") || outcome.equals("DRY_RUN_PASSED") ? ExitCodes.OK : ExitCodes.FAILED;
    }

    @Override
    void print(JsonNode answer) {
        JsonNode r = answer.path("report");
        System.out.println(name + ": " + r.path("outcome").asText() + " -- " + r.path("reason").asText());
        System.out.println("preconditions:");
        for (JsonNode c : r.path("preconditions")) {
            System.out.printf("  %-4s %-36s %s%n", c.path("passed").asBoolean() ? "ok" : "FAIL", c.path("name").asText(), c.path("detail").asText());
        }
        if (!r.path("plan").isEmpty() && dryRun) {
            System.out.println("plan:");
            r.path("plan").forEach(p -> System.out.println("  " + p.asText()));
        }
        if (!r.path("steps").isEmpty()) {
            System.out.println("steps:");
            for (JsonNode s : r.path("steps")) {
                System.out.printf("  %6d ms  %-24s %s%n", s.path("millis").asLong(), s.path("name").asText(), s.path("detail").asText());
            }
        }
        if (!r.path("writeUnavailableMillis").isNull() && !r.path("writeUnavailableMillis").isMissingNode()) {
            System.out.println("writes held for " + r.path("writeUnavailableMillis").asLong() + " ms");
        }
    }
}
