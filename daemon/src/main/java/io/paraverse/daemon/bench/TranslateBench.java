package io.paraverse.daemon.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.paraverse.capture.BinlogCapture;
import io.paraverse.capture.CaptureConfig;
import io.paraverse.capture.ChangeSink;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.WorkDirs;
import io.paraverse.daemon.pipeline.GtidPosition;
import io.paraverse.daemon.workload.SysbenchWorkload;
import io.paraverse.examples.mediawiki.MediaWiki14Workload;
import io.paraverse.examples.mediawiki.MediaWiki15Translator;
import io.paraverse.translator.Commit;
import io.paraverse.translator.IdAllocator;
import io.paraverse.translator.IdMap;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.Translator;
import io.paraverse.translator.mapping.MappingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * How fast translation runs on one thread, so it is never the bottleneck of catch-up: identity, a declarative mapping
 * and the MediaWiki translator, each over row changes captured from a real source by the real binlog capture
 * (sysbench's write mix for identity and the mapping, MediaWiki 1.4's creates/edits/renames/deletes for MediaWiki).
 * The captured changes are held in memory and translated pass after pass; only translation is timed.
 */
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translation speed on one thread: identity, a declarative mapping, the MediaWiki 1.4 -> 1.5 translator.")
public final class TranslateBench implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--events", defaultValue = "1000000", description = "row changes translated per translator (default ${DEFAULT-VALUE})")
    long events;
    @Option(names = "--json", description = "print the figures as JSON on stdout (progress goes to stderr)")
    boolean json;

    private record Case(String name, Translator translator, List<RowChange> changes, Supplier<TranslationContext> context) { }

    private record Figures(String translator, long changes, double seconds, long ops) {
        double perSecond() {
            return changes / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = json ? System.err : System.out;
        Path work = WorkDirs.createRemovedOnExit("paraverse-bench-translate-");
        List<RowChange> sysbench = new ArrayList<>();
        List<RowChange> wiki = new ArrayList<>();
        Translator mapping;
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("bench-translate").baseDir(work))) {
            out.println("capturing real row changes from a local MariaDB (sysbench write mix; MediaWiki 1.4 editing) ...");
            capture(source, sysbench, wiki);
            try (Connection c = source.connect(""); var st = c.createStatement()) {
                st.execute("CREATE DATABASE sbtest_v2");
                for (String t : List.of("item1", "item2")) {
                    st.execute("CREATE TABLE sbtest_v2." + t + " (item_id BIGINT PRIMARY KEY, k BIGINT NOT NULL, label VARCHAR(120) NOT NULL,"
                            + " pad CHAR(60) NOT NULL, origin VARCHAR(8) NOT NULL)");
                }
                mapping = MappingFile.parse("sbtest-v2.yaml", resource("/bench/sbtest-v2.yaml")).validate(c, c);
            }
        } finally {
            WorkDirs.delete(work);
        }
        out.printf("captured %,d sysbench and %,d MediaWiki row changes; translating %,d per translator on one thread%n",
                sysbench.size(), wiki.size(), events);
        List<Case> cases = List.of(
                new Case("identity", new IdentityTranslator(), sysbench, () -> TranslationContext.of(Map.of(), Map.of())),
                new Case("mapping (sbtest-v2.yaml: rename, constant, filter)", mapping, sysbench, () -> TranslationContext.of(Map.of(), Map.of())),
                new Case("mediawiki-1.5 (cur/old -> page/revision/text, id maps)", new MediaWiki15Translator("wiki"), wiki, MemoryContext::new));
        List<Figures> figures = new ArrayList<>();
        for (Case c : cases) {
            run(c, Math.max(200_000, events / 5)); // warm-up: let the JIT compile the translator
            figures.add(run(c, events));
        }
        double identity = figures.get(0).perSecond();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Figures f : figures) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("translator", f.translator());
                m.put("row_changes", f.changes());
                m.put("seconds", Math.round(f.seconds() * 1000) / 1000.0);
                m.put("row_changes_per_s", Math.round(f.perSecond()));
                m.put("target_ops", f.ops());
                m.put("vs_identity", Math.round(f.perSecond() / identity * 100) / 100.0);
                rows.add(m);
            }
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Map.of("translators", rows)));
        } else {
            out.printf("%-58s %12s %9s %15s %12s %10s%n", "translator", "row changes", "seconds", "row changes/s", "target ops", "vs identity");
            for (Figures f : figures) {
                out.printf("%-58s %,12d %9.3f %,15.0f %,12d %9.2fx%n", f.translator(), f.changes(), f.seconds(), f.perSecond(), f.ops(),
                        f.perSecond() / identity);
            }
            out.println("target of issue #4: a mapping translates >= 200,000 row changes/s on one core");
        }
        return 0;
    }

    /** Translates {@code total} changes, pass after pass over the captured ones (a fresh context per pass). */
    private static Figures run(Case c, long total) {
        long done = 0;
        long ops = 0;
        long t0 = System.nanoTime();
        while (done < total) {
            TranslationContext ctx = c.context().get();
            for (RowChange ch : c.changes()) {
                if (done++ >= total) {
                    break;
                }
                List<TargetOp> produced = c.translator().translate(ch, ctx);
                ops += produced.size();
                if (ctx instanceof MemoryContext m) {
                    m.apply(produced);
                }
            }
        }
        return new Figures(c.name(), total, (System.nanoTime() - t0) / 1e9, ops);
    }

    /** Runs both workloads on the source and captures everything they wrote, from the first binlog. */
    private static void capture(MariaDbServer source, List<RowChange> sysbench, List<RowChange> wiki) throws Exception {
        SysbenchWorkload sb = new SysbenchWorkload("sbtest", 2, 10_000);
        try (Connection c = source.connect("")) {
            sb.prepare(c);
            sb.run(c, 10_000, () -> true, new AtomicLong());
        }
        MediaWiki14Workload mw = new MediaWiki14Workload("wiki", 1_405);
        MediaWiki14Workload.Stats stats = new MediaWiki14Workload.Stats();
        try (Connection c = source.connect("")) {
            mw.prepare(c, 200, 2);
        }
        try (Connection c = source.connect("wiki")) {
            mw.run(c, () -> stats.total() < 1_500, stats);
        }
        String end = source.gtidBinlogPos();
        AtomicLong lastCommitted = new AtomicLong();
        String[] lastGtid = {""};
        List<RowChange> open = new ArrayList<>();
        ChangeSink sink = new ChangeSink() {
            @Override public void onRow(RowChange change) {
                open.add(change);
            }

            @Override public void onCommit(Commit commit) {
                for (RowChange r : open) {
                    (r.table().schema().equals("wiki") ? wiki : sysbench).add(r);
                }
                open.clear();
                synchronized (lastGtid) {
                    lastGtid[0] = commit.position().gtidPosition();
                }
                lastCommitted.incrementAndGet();
            }

            @Override public void discardUncommitted() {
                open.clear();
            }
        };
        CaptureConfig cfg = CaptureConfig.builder().host("127.0.0.1").port(source.port()).user("root").password(source.password())
                .include(List.of("sbtest.*", "wiki.*")).build();
        try (BinlogCapture capture = new BinlogCapture(cfg, sink)) {
            capture.start("");
            GtidPosition goal = GtidPosition.parse(end);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (true) {
                String at;
                synchronized (lastGtid) {
                    at = lastGtid[0];
                }
                if (!at.isEmpty() && GtidPosition.parse(at).covers(goal)) {
                    break;
                }
                if (capture.failure() != null) {
                    throw new IllegalStateException("capture failed: " + capture.failure().getMessage(), capture.failure());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("capture did not reach " + end + " within 120 s (at " + at + ")");
                }
                Thread.sleep(20);
            }
        }
    }

    private static String resource(String name) throws java.io.IOException {
        try (InputStream in = TranslateBench.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Id maps, allocators and lookups in memory: translation is measured, not the target's storage. */
    private static final class MemoryContext implements TranslationContext {
        private final Map<String, Map<String, Long>> maps = new HashMap<>();
        private final Map<String, Long> next = new HashMap<>();
        private final Map<String, Map<List<Object>, List<Object>>> rows = new HashMap<>();

        @Override public Map<String, String> config() {
            return Map.of();
        }

        @Override public IdMap idMap(String name) {
            Map<String, Long> m = maps.computeIfAbsent(name, k -> new HashMap<>());
            return new IdMap() {
                @Override public OptionalLong get(String key) {
                    Long v = m.get(key);
                    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
                }

                @Override public void put(String key, long id) {
                    m.put(key, id);
                }

                @Override public void remove(String key) {
                    m.remove(key);
                }
            };
        }

        @Override public long allocate(IdAllocator allocator) {
            return next.merge(allocator.name(), 1L, Long::sum) + 1_000_000;
        }

        @Override public Optional<List<Object>> lookup(TargetTable table, List<Object> keyValues) {
            Map<List<Object>, List<Object>> t = rows.get(table.qualifiedName());
            List<Object> row = t == null ? null : t.get(keyValues);
            if (row == null) {
                return Optional.empty();
            }
            List<Object> out = new ArrayList<>();
            for (String col : table.columns()) {
                int at = columnsOf.getOrDefault(table.qualifiedName(), List.of()).indexOf(col);
                out.add(at < 0 ? null : row.get(at));
            }
            return Optional.of(out);
        }

        private final Map<String, List<String>> columnsOf = new HashMap<>();

        /** Keeps the full rows upserted so lookups of them work (the translator looks pages up rarely). */
        void apply(List<TargetOp> ops) {
            for (TargetOp op : ops) {
                if (op instanceof TargetOp.Upsert u) {
                    columnsOf.putIfAbsent(u.table().qualifiedName(), u.table().columns());
                    rows.computeIfAbsent(u.table().qualifiedName(), k -> new HashMap<>()).put(u.keyValues(), u.values());
                } else if (op instanceof TargetOp.Delete d) {
                    Map<List<Object>, List<Object>> t = rows.get(d.table().qualifiedName());
                    if (t != null) {
                        t.remove(d.keyValues());
                    }
                }
            }
        }
    }
}
