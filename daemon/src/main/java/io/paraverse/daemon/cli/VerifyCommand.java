package io.paraverse.daemon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.applier.ApplierOptions;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.daemon.migration.config.MigrationConfigLoader;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.TranslatorSetup;
import io.paraverse.daemon.verify.CheckpointApplyProgress;
import io.paraverse.daemon.verify.MigrationTarget;
import io.paraverse.daemon.verify.ReportText;
import io.paraverse.daemon.verify.VerificationReport;
import io.paraverse.daemon.verify.Verifier;
import io.paraverse.daemon.verify.VerifyOptions;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.Translator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code paraverse verify}: production translated vs the clone, for a migration of a daemon data dir. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare production, translated by the migration's translators, with the clone.",
                "`verify NAME`: the running daemon verifies (default --mode sampled); `verify FILE --data-dir DIR`: directly.",
                "Production is read at most --rate rows per second; the clone is only read.",
                "Works with the daemon running (its clone is read) or stopped (a local clone's",
                "server is started for the run and stopped again).",
                "A row that differs is compared again once the applier has caught up: it is",
                "reported only if the difference persists, as unsettled if production kept",
                "changing it or the applier did not catch up. The report names every differing",
                "key and, per differing column, production translated vs the clone.",
                "Details: docs/VERIFY.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:clean: every compared row is equal", "1:differences found, or keys that never settled",
                "2:error (cannot connect, bad configuration, bad usage)"})
public final class VerifyCommand implements Callable<Integer> {
    /** The modes the command line offers (KEYS is for the cutover, through the API). */
    enum Mode { FULL, SAMPLED }

    @Parameters(paramLabel = "NAME|MIGRATION.yaml",
            description = "a migration of the running daemon (through its API), or the migration file (with --data-dir: direct)")
    String target;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "the daemon's data directory (direct mode, with MIGRATION.yaml)") Path dataDir;
    @picocli.CommandLine.Mixin
    io.paraverse.daemon.cli.client.ApiOptions api;
    @Option(names = "--mode", defaultValue = "full", paramLabel = "full|sampled",
            description = "full: every row in primary-key chunks; sampled: --sample random rows per table (default ${DEFAULT-VALUE})")
    Mode mode;
    @Option(names = "--sample", defaultValue = "1000", paramLabel = "N", description = "rows per table in sampled mode (default ${DEFAULT-VALUE})")
    int sample;
    @Option(names = "--rate", defaultValue = "5000", paramLabel = "ROWS_PER_SEC",
            description = "production rows read per second at most (default ${DEFAULT-VALUE})") long rate;
    @Option(names = "--tables", split = ",", paramLabel = "SCHEMA.TABLE", description = "only these source tables (default: all the migration includes)")
    List<String> tables = new ArrayList<>();
    @Option(names = "--chunk-rows", defaultValue = "500", paramLabel = "N", description = "rows per chunk (default ${DEFAULT-VALUE})") int chunkRows;
    @Option(names = "--recheck-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "how long a re-check waits for the applier (default ${DEFAULT-VALUE})") int recheckSeconds;
    @Option(names = "--json", description = "print the report as JSON") boolean json;

    @Override
    public Integer call() {
        if (dataDir == null) {
            if (target.endsWith(".yaml") || target.endsWith(".yml")) {
                System.err.println("paraverse verify: a migration file needs --data-dir DIR (direct); through the daemon give its NAME");
                return 2;
            }
            return throughDaemon();
        }
        Path file = Path.of(target);
        try {
            MigrationConfig config = MigrationConfigLoader.load(file);
            var s = config.source();
            Endpoint source = new Endpoint(s.host(), s.portOrDefault(), s.user(), s.passwordRef().resolve());
            try (MigrationTarget clone = MigrationTarget.open(config, dataDir, VerifyCommand::progress)) {
                Endpoint target = clone.endpoint();
                var t = config.translatorsOrEmpty();
                Translator translator = TranslatorSetup.build(t.nameList(), t.pluginDirPath(), t.mappingList().stream().map(Path::of).toList(),
                        t.dropList(), TranslatorSetup.Schemas.of(source, target));
                VerifyOptions options = VerifyOptions.defaults(config.name()).rowsPerSecond(rate).chunkRows(chunkRows)
                        .recheck(3, Duration.ofSeconds(recheckSeconds));
                Verifier verifier = new Verifier(source, target, translator, TranslationContext.of(Map.of(), Map.of()),
                        new CheckpointApplyProgress(target, ApplierOptions.DEFAULT_CHECKPOINT_SCHEMA, config.name()), options,
                        VerifyCommand::progress);
                List<String> verified = tables.isEmpty() ? io.paraverse.daemon.verify.SourceTableList.of(source, config.cloneOrDefault().includeList()) : tables;
                VerificationReport report = mode == Mode.FULL ? verifier.full(verified) : verifier.sampled(verified, sample);
                System.out.print(json ? new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + System.lineSeparator()
                        : ReportText.render(report));
                return report.clean() ? 0 : 1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("paraverse verify: interrupted");
            return 2;
        } catch (Exception e) {
            StringBuilder msg = new StringBuilder("paraverse verify: ").append(e.getMessage());
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                if (c.getMessage() != null && !msg.toString().contains(c.getMessage())) {
                    msg.append(": ").append(c.getMessage());
                }
            }
            System.err.println(msg);
            return 2;
        }
    }

    /** {@code paraverse verify NAME}: the daemon verifies (it knows the clone and the applier's progress) and reports. */
    private int throughDaemon() {
        if (mode == Mode.FULL && !modeGiven()) {
            mode = Mode.SAMPLED; // through the daemon the default is the lighter check; ask --mode full for every row
        }
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        body.put("sample", sample);
        body.put("rate", rate);
        com.fasterxml.jackson.databind.JsonNode answer;
        try {
            answer = api.client().post("/api/v1/migrations/" + target + "/verify", body);
        } catch (io.paraverse.daemon.cli.client.ApiCallException e) {
            if (e.body == null || !e.body.has("report")) {
                System.err.println("paraverse verify: " + e.getMessage());
                return e.exitCode == 1 ? 2 : e.exitCode;
            }
            answer = e.body; // differences: 409 with the report
        }
        try {
            if (json) {
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            } else if (answer.has("report")) {
                VerificationReport report = new ObjectMapper()
                        .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                        .treeToValue(answer.path("report"), VerificationReport.class);
                System.out.print(ReportText.render(report));
            } else {
                System.out.println(answer.path("message").asText());
                return 0;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            System.err.println("paraverse verify: unreadable report from the daemon: " + e.getOriginalMessage());
            return 2;
        }
        return answer.path("clean").asBoolean(false) ? 0 : 1;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private boolean modeGiven() {
        return spec != null && spec.commandLine().getParseResult() != null && spec.commandLine().getParseResult().hasMatchedOption("--mode");
    }

    private static void progress(String line) {
        System.err.println("verify: " + line);
    }
}
