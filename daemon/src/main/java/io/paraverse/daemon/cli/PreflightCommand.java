package io.paraverse.daemon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paraverse.daemon.migration.config.CheckResult;
import io.paraverse.daemon.migration.config.Preflight;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Checks a migration file and everything it points at, changing nothing; exit 0 if no check FAILs. */
@Command(name = "preflight", mixinStandardHelpOptions = true,
        description = {"Check a migration file (docs/MIGRATION.md) and everything it refers to, changing nothing:",
                "the source's binlog settings, grants, primary keys and binlog retention, the target,",
                "disk space, translators and the upgrade. One row per check (PASS, WARN, FAIL);",
                "exit 0 if nothing FAILs, 1 otherwise."})
public final class PreflightCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MIGRATION.yaml", description = "the migration file (docs/MIGRATION.md)")
    Path file;
    @Option(names = "--json", description = "print the results as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<CheckResult> results = Preflight.run(file);
        boolean ok = Preflight.passed(results);
        PrintStream out = System.out;
        if (json) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = m.createObjectNode();
            root.put("file", file.toString());
            root.put("ok", ok);
            ArrayNode checks = root.putArray("checks");
            for (CheckResult r : results) {
                checks.addObject().put("check", r.check()).put("result", r.result().name()).put("detail", r.detail());
            }
            out.println(m.writeValueAsString(root));
        } else {
            print(out, results);
            long fails = results.stream().filter(CheckResult::failed).count();
            long warns = results.stream().filter(r -> r.result() == CheckResult.Status.WARN).count();
            out.println(ok ? "preflight passed" + (warns > 0 ? " with " + warns + " warning" + (warns == 1 ? "" : "s") : "")
                    : "preflight FAILED: " + fails + " check" + (fails == 1 ? "" : "s") + " to fix");
        }
        return ok ? 0 : 1;
    }

    static void print(PrintStream out, List<CheckResult> results) {
        int w = Math.max(5, results.stream().mapToInt(r -> r.check().length()).max().orElse(5));
        String fmt = "%-" + w + "s  %-6s %s%n";
        out.printf(fmt, "check", "result", "detail");
        out.printf(fmt, "-".repeat(w), "------", "------");
        for (CheckResult r : results) {
            out.printf(fmt, r.check(), r.result(), r.detail());
        }
    }
}
