package io.paraverse.daemon.migration.config;

import io.paraverse.daemon.migration.config.MigrationConfig.Journal;
import io.paraverse.daemon.migration.config.MigrationConfig.Source;
import io.paraverse.daemon.migration.config.MigrationConfig.Target;
import io.paraverse.daemon.migration.config.MigrationConfig.Translators;
import io.paraverse.daemon.migration.config.MigrationConfig.Upgrade;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes every relative path of a migration file absolute against the file's directory: target datadir and bin_dir,
 * {@code file:} credential references, upgrade SQL files, workdir (default: the file's directory) and a command given
 * with a slash ({@code ./upgrade.sh}; a bare name is looked up on PATH), plugin_dir, mappings, journal dir.
 */
final class PathResolver {
    /** Where local targets' server directories go unless target.datadir says otherwise (next to the file). */
    static final String DEFAULT_LOCAL_DATADIR = "paraverse-state/local";

    private PathResolver() { }

    static MigrationConfig resolve(MigrationConfig c, Path base) {
        Source s = c.source() == null ? null
                : new Source(c.source().host(), c.source().port(), c.source().user(), ref(c.source().password(), base));
        Target t = c.target();
        if (t != null) {
            String datadir = t.datadir() == null && "local".equalsIgnoreCase(t.provisioner())
                    ? base.resolve(DEFAULT_LOCAL_DATADIR).toString() : path(t.datadir(), base);
            t = new Target(t.provisioner(), datadir, t.memory(), t.keep(), path(t.binDir(), base),
                    t.jdbcUrl(), t.host(), t.port(), t.user(), ref(t.password(), base), t.overwrite(), t.ec2());
        }
        Upgrade u = c.upgrade();
        if (u != null) {
            List<String> cmd = null;
            if (u.command() != null) {
                cmd = new ArrayList<>(u.command());
                if (!cmd.isEmpty() && cmd.get(0) != null && cmd.get(0).contains("/")) {
                    cmd.set(0, path(cmd.get(0), base));
                }
            }
            u = new Upgrade(paths(u.sql(), base), cmd, u.workdir() == null ? base.toString() : path(u.workdir(), base),
                    u.timeout(), u.expectedDuration(), u.database());
        }
        Translators tr = c.translators();
        if (tr != null) {
            tr = new Translators(tr.names(), path(tr.pluginDir(), base), paths(tr.mappings(), base), tr.drop());
        }
        Journal j = c.journal() == null ? null : new Journal(path(c.journal().dir(), base), c.journal().diskBudget(),
                c.journal().kind(), c.journal().bootstrap(), c.journal().topic());
        return new MigrationConfig(c.name(), s, t, c.cloneSection(), u, tr, j, c.catchUp(), cutover(c.cutover(), base), c.verify(), c.capture());
    }

    /** The cutover's credential references and the hook's program, like the rest, relative to the file. */
    private static MigrationConfig.Cutover cutover(MigrationConfig.Cutover c, Path base) {
        if (c == null) {
            return null;
        }
        var proxy = c.proxy();
        if (proxy != null && proxy.users() != null) {
            java.util.Map<String, String> users = new java.util.LinkedHashMap<>();
            proxy.users().forEach((u, r) -> users.put(u, ref(r, base)));
            proxy = new MigrationConfig.Cutover.Proxy(proxy.listen(), users);
        }
        var sql = c.proxysql();
        if (sql != null) {
            sql = new MigrationConfig.Cutover.Proxysql(sql.host(), sql.port(), sql.user(), ref(sql.password(), base), sql.writerHostgroups());
        }
        var hook = c.hook();
        if (hook != null && hook.command() != null && !hook.command().isEmpty() && hook.command().get(0) != null
                && hook.command().get(0).contains("/")) {
            List<String> cmd = new ArrayList<>(hook.command());
            cmd.set(0, path(cmd.get(0), base));
            hook = new MigrationConfig.Cutover.Hook(cmd, hook.timeout(), hook.env());
        }
        return new MigrationConfig.Cutover(c.timeout(), c.drainTimeout(), c.maxReadOnly(), c.rollbackWindow(), c.readOnly(),
                c.verifyRecent(), c.maxDrain(), c.switchKind(), c.cloneAddress(), c.users(), proxy, c.haproxy(), sql, hook);
    }

    private static String ref(String ref, Path base) {
        if (ref != null && ref.startsWith("file:") && ref.length() > 5) {
            return "file:" + path(ref.substring(5), base);
        }
        return ref;
    }

    private static List<String> paths(List<String> list, Path base) {
        if (list == null) {
            return null;
        }
        List<String> out = new ArrayList<>(list.size());
        for (String p : list) {
            out.add(path(p, base));
        }
        return out;
    }

    static String path(String p, Path base) {
        if (p == null || p.isBlank()) {
            return p;
        }
        try {
            String expanded = p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p;
            return base.resolve(expanded).normalize().toString();
        } catch (InvalidPathException e) {
            return p; // reported by the validator
        }
    }
}
