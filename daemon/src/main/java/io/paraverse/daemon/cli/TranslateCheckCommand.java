package io.paraverse.daemon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.paraverse.daemon.check.TableDiff;
import io.paraverse.daemon.check.TranslateCheck;
import io.paraverse.daemon.pipeline.Endpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** Do the translators agree with the real upgrade? Two steps on the clone: --prepare before the upgrade, the check after. */
@Command(name = "translate-check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check that the translators agree with the application's real upgrade, on the clone.",
                "Before the upgrade:  translate-check --prepare --name N --schema DB --tables T1,T2 --clone H:P ...",
                "  keeps a copy of the old tables (the clone-point data).",
                "After the upgrade:   translate-check --name N --schema DB --tables T1,T2 --translator X|--mapping F",
                "                     --compare TABLE:KEY[,KEY][:ignore=C1,C2] ... --clone H:P ...",
                "  feeds the kept rows through the translators into a scratch schema and compares every --compare table",
                "  with the upgraded one, rows matched by KEY (a natural key where ids legitimately differ).",
                "Exit 0 when every table agrees, 1 when any differs (the report says which keys and columns)."})
public final class TranslateCheckCommand implements Callable<Integer> {
    @Option(names = "--name", required = true, description = "check name (scratch schema paraverse_check_NAME)") String name;
    @Option(names = "--clone", required = true, paramLabel = "HOST:PORT") String clone;
    @Option(names = "--clone-user", required = true) String cloneUser;
    @Option(names = "--clone-password-env", paramLabel = "VAR") String clonePasswordEnv;
    @Option(names = "--clone-password-file", paramLabel = "FILE") Path clonePasswordFile;
    @Option(names = "--schema", required = true, description = "the application's schema (old before the upgrade, new after)") String schema;
    @Option(names = "--tables", required = true, split = ",", description = "old tables to keep and feed, in this order") List<String> tables;
    @Option(names = "--snapshot-schema", description = "where the old tables are kept (default paraverse_old_SCHEMA)") String snapshotSchema;
    @Option(names = "--prepare", description = "keep the old tables now (run before the upgrade)") boolean prepare;
    @Option(names = "--compare", paramLabel = "TABLE:KEY[,KEY][:ignore=C[,C]]", description = "an upgraded table to compare") List<String> compare = new ArrayList<>();
    @Option(names = "--source", paramLabel = "HOST:PORT", description = "production (old schema), to validate --mapping files") String source;
    @Option(names = "--source-user") String sourceUser;
    @Option(names = "--source-password-env", paramLabel = "VAR") String sourcePasswordEnv;
    @Option(names = "--source-password-file", paramLabel = "FILE") Path sourcePasswordFile;
    @Option(names = "--work-dir", defaultValue = "${java.io.tmpdir}", description = "where the temporary journal goes") Path workDir;
    @Option(names = "--keep-scratch", description = "keep the scratch schema for inspection") boolean keepScratch;
    @Option(names = "--json", description = "print the report as JSON") boolean json;
    @Mixin TranslatorOptions translators;

    @Override
    public Integer call() throws Exception {
        Endpoint server = ReplicateCommand.endpoint("--clone", clone, cloneUser, Secrets.read("--clone-password", clonePasswordEnv, clonePasswordFile));
        String kept = snapshotSchema != null ? snapshotSchema : "paraverse_old_" + schema;
        if (prepare) {
            TranslateCheck.snapshotOldTables(server, schema, kept, tables);
            System.out.println("kept " + tables + " of " + schema + " in " + kept + "; run the upgrade, then translate-check without --prepare");
            return 0;
        }
        if (compare.isEmpty()) {
            throw new IllegalArgumentException("--compare: name at least one upgraded table to compare, e.g. --compare page:page_id");
        }
        if (translators.identityOnly()) {
            throw new IllegalArgumentException("give the translators to check: --translator NAME and/or --mapping FILE");
        }
        Endpoint production = source == null ? null
                : ReplicateCommand.endpoint("--source", source, sourceUser, Secrets.read("--source-password", sourcePasswordEnv, sourcePasswordFile));
        if (production == null && !translators.mappings.isEmpty()) {
            throw new IllegalArgumentException("--mapping needs --source (production, with the old schema) to validate against");
        }
        var translator = translators.build(io.paraverse.daemon.pipeline.TranslatorSetup.Schemas.of(production, server));
        List<TranslateCheck.Compare> specs = new ArrayList<>();
        for (String c : compare) {
            specs.add(parseCompare(c));
        }
        TranslateCheck.Result r = TranslateCheck.run(new TranslateCheck.Config(name, server, kept, schema, tables, schema, translator,
                Map.of(), specs, workDir, keepScratch));
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows_translated", r.rowsTranslated());
            m.put("equal", r.equal());
            List<Map<String, Object>> ts = new ArrayList<>();
            for (TableDiff.Report t : r.tables()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("table", t.table());
                e.put("equal", t.equal());
                e.put("translated_rows", t.leftRows());
                e.put("upgraded_rows", t.rightRows());
                e.put("only_translated", t.onlyLeft());
                e.put("only_upgraded", t.onlyRight());
                e.put("differing", t.differing());
                e.put("examples", t.examples());
                ts.add(e);
            }
            m.put("tables", ts);
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } else {
            System.out.printf("translated %,d rows of %s%n", r.rowsTranslated(), tables);
            for (TableDiff.Report t : r.tables()) {
                System.out.println((t.equal() ? "  OK    " : "  DIFFERS ") + t);
            }
            System.out.println(r.equal() ? "the translators agree with the upgrade" : "the translators DISAGREE with the upgrade");
        }
        return r.equal() ? 0 : 1;
    }

    /** "revision:rev_page,rev_timestamp:ignore=rev_id,rev_text_id". */
    static TranslateCheck.Compare parseCompare(String spec) {
        String[] parts = spec.split(":");
        if (parts.length < 2 || parts.length > 3 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("--compare '" + spec + "': expected TABLE:KEY[,KEY][:ignore=C[,C]]");
        }
        Set<String> ignore = Set.of();
        if (parts.length == 3) {
            if (!parts[2].startsWith("ignore=")) {
                throw new IllegalArgumentException("--compare '" + spec + "': the third part must be ignore=C[,C]");
            }
            ignore = Set.of(parts[2].substring("ignore=".length()).split(","));
        }
        return new TranslateCheck.Compare(parts[0], List.of(parts[1].split(",")), ignore);
    }
}
