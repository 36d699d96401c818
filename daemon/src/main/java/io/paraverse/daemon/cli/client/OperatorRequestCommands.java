package io.paraverse.daemon.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** The runbook's requests to one migration: pause, resume, abort, acknowledge-ddl, skip. */
public final class OperatorRequestCommands {
    private OperatorRequestCommands() { }

    /** A request on one migration with a reason kept in its timeline. */
    public abstract static class Request extends ApiCommand {
        @Option(names = "--reason", required = true, description = "why (kept in the migration's timeline)") protected String reason;

        protected abstract String action();

        protected abstract String migrationName();

        protected Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("reason", reason);
            return b;
        }

        @Override
        JsonNode call(ApiClient client) {
            return client.post("/api/v1/migrations/" + migrationName() + "/" + action(), body());
        }

        @Override
        void print(JsonNode answer) {
            if (answer.has("accepted")) {
                System.out.println(answer.path("message").asText());
            } else {
                System.out.println(migrationName() + ": now " + answer.path("phase").asText());
            }
        }
    }

    /** A request on the migration named by the first parameter. */
    abstract static class Named extends Request {
        @Parameters(index = "0", paramLabel = "NAME", description = "the migration") String name;

        @Override
        protected String migrationName() {
            return name;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Stop applying to the clone (capture goes on; nothing is lost, the journal grows).",
                    "Allowed in CATCHING_UP and READY."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:paused", "1:failed", "2:bad usage", "3:daemon unreachable",
            "4:not allowed in the current phase (the message names the phases that allow it)", "5:no such migration", "6:missing or wrong token"})
    public static final class Pause extends Named {
        @Override
        protected String action() {
            return "pause";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"Send a PAUSED or FAILED migration back to the phase it left (a failed upgrade restarts on a fresh clone)."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:resumed", "1:failed", "2:bad usage", "3:daemon unreachable",
            "4:not allowed in the current phase", "5:no such migration", "6:missing or wrong token"})
    public static final class Resume extends Named {
        @Override
        protected String action() {
            return "resume";
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = {"Give a migration up: its pipeline stops, its target is released (a local one deleted unless keep: true)",
                    "and its journal deleted. Production is not touched. Final."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:aborted", "1:failed", "2:bad usage", "3:daemon unreachable",
            "4:already final (CUT_OVER or ABORTED)", "5:no such migration", "6:missing or wrong token"})
    public static final class Abort extends Named {
        @Override
        protected String action() {
            return "abort";
        }
    }

    @Command(name = "acknowledge-ddl", mixinStandardHelpOptions = true,
            description = {"Let a source schema change through (after preparing the clone and translators for it) and resume",
                    "the migration paused on it. The pause alert names the DDL's GTID."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:acknowledged", "1:failed", "2:bad usage", "3:daemon unreachable",
            "4:not allowed in the current phase", "5:no such migration", "6:missing or wrong token"})
    public static final class AcknowledgeDdl extends Named {
        @Option(names = "--gtid", required = true, description = "the DDL's GTID") String gtid;

        @Override
        protected String action() {
            return "acknowledge-ddl";
        }

        @Override
        protected Map<String, Object> body() {
            Map<String, Object> b = super.body();
            b.put("gtid", gtid);
            return b;
        }
    }
}
