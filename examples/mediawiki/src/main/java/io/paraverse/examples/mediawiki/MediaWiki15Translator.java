package io.paraverse.examples.mediawiki;

import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.IdAllocator;
import io.paraverse.translator.IdMap;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.TranslationException;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rewrites MediaWiki 1.4 changes ({@code cur}, {@code old}) into the 1.5 schema ({@code page}, {@code revision},
 * {@code text}) on a clone that ran {@code upgrade-1.5.sql}.
 *
 * <p>Ids. {@code page_id = cur_id} everywhere. Revision and text ids share one id space
 * ({@code rev_text_id = rev_id}). Old rows that existed at the clone point kept their id ({@code rev_id = old_id});
 * every revision made after it gets an id from the persistent allocator {@value #REV_ALLOCATOR} seeded above
 * {@code max(revision.rev_id)} on the clone, because production's {@code old_id} counter runs into the ids the
 * upgrade gave to the {@code cur} copies. Three persistent id maps keep what later changes need:
 * <ul>
 *   <li>{@value #LATEST_MAP}: {@code cur_id} → the page's latest revision id (else looked up as {@code page.page_latest});</li>
 *   <li>{@value #OLD_MAP}: an {@code old_id} production assigned after the clone point → its revision id (unmapped
 *       old_ids are pre-clone ones: identity);</li>
 *   <li>{@value #PENDING_MAP}: {@code "namespace:title"} → the {@code old_id} of an old row inserted by an edit whose
 *       {@code cur} update (same transaction, next change) has not been translated yet.</li>
 * </ul>
 *
 * <p>Operations ({@code old} rows carry namespace + title, not the page id, so an edit is resolved at its cur update):
 * <ul>
 *   <li>cur INSERT (new page): text + revision with a new id, page with {@code page_latest} = it;</li>
 *   <li>old INSERT (an edit saving the previous version): no op, the version already is the page's latest revision;
 *       its old_id is parked in {@value #PENDING_MAP};</li>
 *   <li>cur UPDATE changing the content (the edit's new version): the parked old_id is mapped to the previous latest
 *       revision; text + revision with a new id; the page upserted with the new latest and length;</li>
 *   <li>cur UPDATE of page fields only (rename, touch, counter, restrictions): the page upserted, latest unchanged;</li>
 *   <li>old UPDATE: namespace/title changes (a rename moves the history) need no op; content changes update the
 *       revision/text in place;</li>
 *   <li>old DELETE / cur DELETE (page deletion): the revision and text of that version, and the page.</li>
 * </ul>
 * Everything depends only on the change and the persistent context, so replays after a crash give the same ops.
 *
 * <p>Assumes what 1.4 does when {@code $wgCompressRevisions} is off: an edit's old row is an exact copy of the
 * previous cur row with empty {@code old_flags}. Not covered: undelete and imports (old rows inserted that are not
 * the previous version of the page).
 */
public final class MediaWiki15Translator extends AbstractTranslator {
    public static final String NAME = "mediawiki-1.5";
    public static final String REV_ALLOCATOR = "mediawiki15.rev_id";
    public static final String LATEST_MAP = "mediawiki15.latest";
    public static final String OLD_MAP = "mediawiki15.old";
    public static final String PENDING_MAP = "mediawiki15.pending";
    /** Default source database. */
    public static final String DEFAULT_DATABASE = "wiki";

    static final List<String> PAGE_COLUMNS = List.of("page_id", "page_namespace", "page_title", "page_restrictions",
            "page_counter", "page_is_redirect", "page_is_new", "page_random", "page_touched", "page_latest", "page_len");
    static final List<String> REVISION_COLUMNS = List.of("rev_id", "rev_page", "rev_text_id", "rev_comment", "rev_user",
            "rev_user_text", "rev_timestamp", "rev_minor_edit", "rev_deleted");
    static final List<String> TEXT_COLUMNS = List.of("old_id", "old_text", "old_flags");
    private static final List<String> CONTENT = List.of("text", "comment", "user", "user_text", "timestamp", "minor_edit");
    private static final byte[] NO_FLAGS = new byte[0];

    private final String database;
    private final ConcurrentHashMap<String, Tables> tables = new ConcurrentHashMap<>();

    /** The target tables in one target schema. */
    record Tables(TargetTable page, TargetTable pageLatest, TargetTable revision, TargetTable text,
                  TargetTable revisionContent, TargetTable textContent, IdAllocator revIds) {
        static Tables in(String schema) {
            return new Tables(
                    new TargetTable(schema, "page", PAGE_COLUMNS, List.of("page_id")),
                    new TargetTable(schema, "page", List.of("page_id", "page_latest"), List.of("page_id")),
                    new TargetTable(schema, "revision", REVISION_COLUMNS, List.of("rev_id")),
                    new TargetTable(schema, "text", TEXT_COLUMNS, List.of("old_id")),
                    new TargetTable(schema, "revision", List.of("rev_id", "rev_comment", "rev_user", "rev_user_text",
                            "rev_timestamp", "rev_minor_edit"), List.of("rev_id")),
                    new TargetTable(schema, "text", TEXT_COLUMNS, List.of("old_id")),
                    new IdAllocator(REV_ALLOCATOR, schema + ".revision", "rev_id"));
        }
    }

    /** Translates {@value #DEFAULT_DATABASE}.cur and {@value #DEFAULT_DATABASE}.old (the ServiceLoader constructor). */
    public MediaWiki15Translator() {
        this(DEFAULT_DATABASE);
    }

    /** Translates {@code database}.cur and {@code database}.old into the target schema the context maps it to. */
    public MediaWiki15Translator(String database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    @Override
    public String name() { return NAME; }

    @Override
    public Set<String> sourceTables() {
        return Set.of(database + ".cur", database + ".old");
    }

    @Override
    public List<TargetOp> translate(RowChange change, TranslationContext ctx) {
        if (!change.table().schema().equals(database)) {
            throw new TranslationException("not a table of the wiki database " + database, change);
        }
        Tables t = tables.computeIfAbsent(ctx.targetSchema(database), Tables::in);
        try {
            switch (change.table().table()) {
                case "cur":
                    return cur(change, ctx, t);
                case "old":
                    return old(change, ctx, t);
                default:
                    throw new TranslationException("MediaWiki 1.4 has no table " + change.table().table()
                            + " this translator handles (only cur and old)", change);
            }
        } catch (TranslationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TranslationException("cannot translate: " + e.getMessage(), change, e);
        }
    }

    // ---------------------------------------------------------------- cur

    private List<TargetOp> cur(RowChange c, TranslationContext ctx, Tables t) {
        IdMap latest = ctx.idMap(LATEST_MAP);
        switch (c.op()) {
            case INSERT: {
                long pageId = num(c.after("cur_id"));
                long rev = ctx.allocate(t.revIds());
                latest.put(key(pageId), rev);
                List<TargetOp> ops = new ArrayList<>(3);
                addRevision(ops, t, c, pageId, rev);
                ops.add(page(t, c, pageId, rev));
                return ops;
            }
            case UPDATE: {
                long pageId = num(c.after("cur_id"));
                if (num(c.before("cur_id")) != pageId) {
                    throw new TranslationException("cur_id changed from " + c.before("cur_id") + " to " + pageId
                            + ": page ids are kept as they are", c);
                }
                long previous = latestOf(pageId, latest, ctx, t, c);
                IdMap pending = ctx.idMap(PENDING_MAP);
                String title = titleKey(c.before("cur_namespace"), c.before("cur_title"));
                OptionalLong parked = pending.get(title);
                if (parked.isPresent()) {
                    // the edit's old row is the version the clone already holds as the page's latest revision
                    ctx.idMap(OLD_MAP).put(key(parked.getAsLong()), previous);
                    pending.remove(title);
                }
                List<TargetOp> ops = new ArrayList<>(3);
                long rev = previous;
                if (contentChanged(c, "cur_")) {
                    rev = ctx.allocate(t.revIds());
                    latest.put(key(pageId), rev);
                    addRevision(ops, t, c, pageId, rev);
                } else if (!latest.get(key(pageId)).isPresent()) {
                    latest.put(key(pageId), rev);
                }
                ops.add(page(t, c, pageId, rev));
                return ops;
            }
            default: { // DELETE
                long pageId = num(c.before("cur_id"));
                List<TargetOp> ops = new ArrayList<>(3);
                Optional<Long> rev = latestIfAny(pageId, latest, ctx, t);
                latest.remove(key(pageId));
                ops.add(new TargetOp.Delete(t.page(), List.of(pageId)));
                rev.ifPresent(r -> {
                    ops.add(new TargetOp.Delete(t.revision(), List.of(r)));
                    ops.add(new TargetOp.Delete(t.text(), List.of(r)));
                });
                return ops;
            }
        }
    }

    private void addRevision(List<TargetOp> ops, Tables t, RowChange c, long pageId, long rev) {
        ops.add(new TargetOp.Upsert(t.text(), Arrays.asList(rev, c.after("cur_text"), NO_FLAGS)));
        ops.add(new TargetOp.Upsert(t.revision(), Arrays.asList(rev, pageId, rev, c.after("cur_comment"),
                c.after("cur_user"), c.after("cur_user_text"), c.after("cur_timestamp"), c.after("cur_minor_edit"), 0L)));
    }

    private TargetOp page(Tables t, RowChange c, long pageId, long latestRev) {
        return new TargetOp.Upsert(t.page(), Arrays.asList(pageId, c.after("cur_namespace"), c.after("cur_title"),
                c.after("cur_restrictions"), c.after("cur_counter"), c.after("cur_is_redirect"), c.after("cur_is_new"),
                c.after("cur_random"), c.after("cur_touched"), latestRev, byteLength(c.after("cur_text"))));
    }

    private long latestOf(long pageId, IdMap latest, TranslationContext ctx, Tables t, RowChange c) {
        return latestIfAny(pageId, latest, ctx, t).orElseThrow(() -> new TranslationException(
                "page " + pageId + " is not on the target (no " + t.page().qualifiedName() + " row): was the upgrade run"
                        + " on the clone before the pipeline started?", c));
    }

    private static Optional<Long> latestIfAny(long pageId, IdMap latest, TranslationContext ctx, Tables t) {
        OptionalLong mapped = latest.get(key(pageId));
        if (mapped.isPresent()) {
            return Optional.of(mapped.getAsLong());
        }
        return ctx.lookup(t.pageLatest(), List.of(pageId)).map(row -> num(row.get(1)));
    }

    // ---------------------------------------------------------------- old

    private List<TargetOp> old(RowChange c, TranslationContext ctx, Tables t) {
        IdMap olds = ctx.idMap(OLD_MAP);
        switch (c.op()) {
            case INSERT: {
                // an edit saving the previous version; resolved by the cur update that follows it
                long oldId = num(c.after("old_id"));
                ctx.idMap(PENDING_MAP).put(titleKey(c.after("old_namespace"), c.after("old_title")), oldId);
                return List.of();
            }
            case UPDATE: {
                long oldId = num(c.after("old_id"));
                if (num(c.before("old_id")) != oldId) {
                    throw new TranslationException("old_id changed from " + c.before("old_id") + " to " + oldId, c);
                }
                long rev = revisionOf(oldId, olds);
                List<TargetOp> ops = new ArrayList<>(2);
                if (changed(c, "old_text") || changed(c, "old_flags")) {
                    ops.add(new TargetOp.Update(t.textContent(), Arrays.asList(rev, c.after("old_text"), c.after("old_flags"))));
                }
                if (changed(c, "old_comment") || changed(c, "old_user") || changed(c, "old_user_text")
                        || changed(c, "old_timestamp") || changed(c, "old_minor_edit")) {
                    ops.add(new TargetOp.Update(t.revisionContent(), Arrays.asList(rev, c.after("old_comment"),
                            c.after("old_user"), c.after("old_user_text"), c.after("old_timestamp"), c.after("old_minor_edit"))));
                }
                return ops; // namespace/title changes (page moves) have nothing to write in 1.5
            }
            default: { // DELETE
                long oldId = num(c.before("old_id"));
                long rev = revisionOf(oldId, olds);
                olds.remove(key(oldId));
                return List.of(new TargetOp.Delete(t.revision(), List.of(rev)), new TargetOp.Delete(t.text(), List.of(rev)));
            }
        }
    }

    /** Post-clone old_ids are mapped; any other one existed at the clone point, where the upgrade kept it as rev_id. */
    private static long revisionOf(long oldId, IdMap olds) {
        OptionalLong mapped = olds.get(key(oldId));
        return mapped.isPresent() ? mapped.getAsLong() : oldId;
    }

    // ---------------------------------------------------------------- values

    private static boolean contentChanged(RowChange c, String prefix) {
        for (String col : CONTENT) {
            if (changed(c, prefix + col)) {
                return true;
            }
        }
        return false;
    }

    private static boolean changed(RowChange c, String column) {
        return !Objects.deepEquals(c.before(column), c.after(column));
    }

    static String key(long id) {
        return Long.toString(id);
    }

    static String titleKey(Object namespace, Object title) {
        String t = title instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(title);
        return num(namespace) + ":" + t;
    }

    static long num(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof BigInteger b) {
            return b.longValueExact();
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("expected an integer, got " + (v == null ? "NULL" : v.getClass().getSimpleName() + " " + v));
    }

    /** {@code LENGTH(cur_text)}: bytes of the UTF-8 text. */
    static long byteLength(Object text) {
        if (text == null) {
            return 0;
        }
        if (text instanceof byte[] b) {
            return b.length;
        }
        // counted, not encoded: texts run to tens of KB and this runs for every edit
        String s = text.toString();
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
