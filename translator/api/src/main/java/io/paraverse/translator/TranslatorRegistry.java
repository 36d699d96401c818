package io.paraverse.translator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The {@link Translator}s available to a migration, found with {@link ServiceLoader} on the application class path
 * and in a plugin directory, and selected by their stable {@link Translator#name()}.
 *
 * <h2>Plugin directory</h2>
 * Each {@code *.jar} directly in the directory gets its own class loader (plugins cannot clash over their
 * dependencies); each sub-directory is one plugin whose jars share a class loader (a translator with the libraries
 * it needs). The parent of every plugin loader is the application class loader, so plugins see the translator API
 * and the JDK. A jar registers translators in {@code META-INF/services/io.paraverse.translator.Translator}.
 *
 * <h2>Failing at start-up</h2>
 * Every provider is instantiated when the registry loads, so a migration never starts with a broken plugin:
 * {@link #load} throws {@link TranslatorConfigurationException} naming the jar and class of every provider that
 * cannot be loaded or instantiated and of both translators sharing a name; {@link #get} names the available
 * translators when the requested one is missing.
 *
 * <p>Close the registry (closing the plugin class loaders) only when its translators are no longer used.
 */
public final class TranslatorRegistry implements AutoCloseable {
    private static final String SERVICES = "META-INF/services/" + Translator.class.getName();

    /** A loaded translator and where it came from (a jar, a directory of classes, or a plugin sub-directory). */
    public record Entry(Translator translator, String origin) {
        public String className() { return translator.getClass().getName(); }
    }

    private final Map<String, Entry> byName;
    private final List<URLClassLoader> pluginLoaders;

    private TranslatorRegistry(Map<String, Entry> byName, List<URLClassLoader> pluginLoaders) {
        this.byName = Collections.unmodifiableMap(byName);
        this.pluginLoaders = List.copyOf(pluginLoaders);
    }

    /** Translators on the class path of this class's loader only. */
    public static TranslatorRegistry fromClassPath() {
        return load(TranslatorRegistry.class.getClassLoader(), null);
    }

    /** Translators on the application class path and in {@code pluginDir} (null: class path only). */
    public static TranslatorRegistry load(Path pluginDir) {
        return load(TranslatorRegistry.class.getClassLoader(), pluginDir);
    }

    /**
     * Translators visible to {@code classPath} and in {@code pluginDir} (null: none), whose plugin class loaders
     * have {@code classPath} as parent.
     */
    public static TranslatorRegistry load(ClassLoader classPath, Path pluginDir) {
        Set<String> problems = new LinkedHashSet<>();
        Map<String, List<Entry>> found = new TreeMap<>();
        collect(classPath, null, problems, found);
        List<URLClassLoader> loaders = new ArrayList<>();
        if (pluginDir != null) {
            for (Path plugin : plugins(pluginDir)) {
                URLClassLoader loader = new URLClassLoader("paraverse-plugin:" + plugin.getFileName(), urls(plugin),
                        classPath);
                loaders.add(loader);
                collect(loader, plugin, problems, found);
            }
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        found.forEach((name, entries) -> {
            if (entries.size() > 1) {
                problems.add("translator name '" + name + "' is provided more than once: " + String.join(" and ",
                        entries.stream().map(e -> e.className() + " (" + e.origin() + ")").toList())
                        + "; names must be unique (remove one, or rename it)");
            } else {
                byName.put(name, entries.get(0));
            }
        });
        if (!problems.isEmpty()) {
            closeAll(loaders);
            throw new TranslatorConfigurationException("cannot load the translators:\n  " + String.join("\n  ", problems));
        }
        return new TranslatorRegistry(byName, loaders);
    }

    /** The translator called {@code name}; fails naming the available translators if there is none. */
    public Translator get(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new TranslatorConfigurationException("no translator named '" + name + "'; available: "
                    + (byName.isEmpty() ? "none (no META-INF/services/" + Translator.class.getName()
                    + " entries on the class path or in the plugin directory)" : String.join(", ", byName.keySet())));
        }
        return e.translator();
    }

    /** The translators called {@code names}, in that order (see {@link #get}). */
    public List<Translator> select(Collection<String> names) {
        List<Translator> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(get(n));
        }
        return out;
    }

    public Optional<Entry> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Names of all translators, sorted. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** All translators with their origins, sorted by name. */
    public Collection<Entry> entries() {
        return byName.values();
    }

    @Override
    public void close() {
        closeAll(pluginLoaders);
    }

    /**
     * Instantiates the providers {@code loader} declares (for a plugin: only those its own jars declare, not the
     * class path's again), recording each problem with the jar and class it comes from.
     */
    private static void collect(ClassLoader loader, Path plugin, Set<String> problems, Map<String, List<Entry>> found) {
        Map<String, String> declaredIn = declarations(loader, plugin); // provider class → services file's jar
        int errors = 0;
        Iterator<ServiceLoader.Provider<Translator>> it = ServiceLoader.load(Translator.class, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<Translator> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                String cls = declaredClass(e, declaredIn);
                if (plugin != null && cls == null) {
                    continue; // the class path's own entry, already reported by its pass
                }
                if (!problems.add(describe(e, cls, declaredIn, plugin)) || ++errors > 100) {
                    break; // the iterator did not recover from this error; what we have is enough to act on
                }
                continue;
            }
            String cn = p.type().getName();
            if (plugin != null && !declaredIn.containsKey(cn)) {
                continue; // declared on the class path, collected there
            }
            String origin = plugin != null ? declaredIn.get(cn) : codeSource(p.type());
            Translator t;
            try {
                t = p.get();
            } catch (ServiceConfigurationError | LinkageError e) {
                problems.add(describe(e, cn, declaredIn, plugin));
                continue;
            }
            String name;
            try {
                name = t.name();
            } catch (RuntimeException e) {
                problems.add(cn + " (" + origin + "): name() failed: " + e);
                continue;
            }
            if (name == null || name.isBlank()) {
                problems.add(cn + " (" + origin + "): name() returned " + (name == null ? "null" : "a blank name"));
                continue;
            }
            found.computeIfAbsent(name, k -> new ArrayList<>()).add(new Entry(t, origin));
        }
    }

    /** The longest declared provider class name the error message mentions, or null. */
    private static String declaredClass(Throwable e, Map<String, String> declaredIn) {
        String msg = String.valueOf(e.getMessage());
        String cls = null;
        for (String cn : declaredIn.keySet()) {
            if (mentions(msg, cn) && (cls == null || cn.length() > cls.length())) {
                cls = cn;
            }
        }
        return cls;
    }

    /** The error with the jar whose services entry names the failing class, and the root cause. */
    private static String describe(Throwable e, String cls, Map<String, String> declaredIn, Path plugin) {
        String msg = e instanceof ServiceConfigurationError ? String.valueOf(e.getMessage()) : e.toString();
        StringBuilder b = new StringBuilder();
        if (cls != null && declaredIn.containsKey(cls)) {
            b.append(SERVICES).append(" in ").append(declaredIn.get(cls)).append(" names ").append(cls).append(": ");
        } else {
            b.append(SERVICES).append(plugin != null ? " in plugin " + plugin : " on the class path").append(": ");
        }
        b.append(msg);
        Throwable root = e.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null) {
            b.append(" (").append(root).append(')');
        }
        return b.toString();
    }

    private static boolean mentions(String msg, String cn) {
        int i = msg.indexOf(cn);
        while (i >= 0) {
            int end = i + cn.length();
            boolean startOk = i == 0 || !Character.isJavaIdentifierPart(msg.charAt(i - 1)) && msg.charAt(i - 1) != '.';
            boolean endOk = end == msg.length() || !Character.isJavaIdentifierPart(msg.charAt(end)) && msg.charAt(end) != '.';
            if (startOk && endOk) {
                return true;
            }
            i = msg.indexOf(cn, i + 1);
        }
        return false;
    }

    /** Provider class names in the services files {@code loader} sees → the jar or directory holding that file. */
    private static Map<String, String> declarations(ClassLoader loader, Path plugin) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            Enumeration<URL> files = plugin != null && loader instanceof URLClassLoader u
                    ? u.findResources(SERVICES) // this plugin's own files, not the parent's
                    : loader.getResources(SERVICES);
            while (files.hasMoreElements()) {
                URL url = files.nextElement();
                String where = container(url);
                for (String cn : providerNames(url)) {
                    out.putIfAbsent(cn, where);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SERVICES + (plugin != null ? " in " + plugin : ""), e);
        }
        return out;
    }

    private static List<String> providerNames(URL url) throws IOException {
        List<String> names = new ArrayList<>();
        var conn = url.openConnection();
        conn.setUseCaches(false); // a cached JarFile would keep the plugin jar open after close()
        try (InputStream in = conn.getInputStream();
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                int hash = line.indexOf('#');
                String cn = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!cn.isEmpty()) {
                    names.add(cn);
                }
            }
        }
        return names;
    }

    /** "jar:file:/p/x.jar!/META-INF/…" → "/p/x.jar"; "file:/p/classes/META-INF/…" → "/p/classes". */
    private static String container(URL url) {
        String s = url.toString();
        if (s.startsWith("jar:")) {
            s = s.substring(4, s.indexOf("!/"));
        } else if (s.endsWith(SERVICES)) {
            s = s.substring(0, s.length() - SERVICES.length());
        }
        try {
            return Path.of(new URL(s).toURI()).toString();
        } catch (Exception e) {
            return s;
        }
    }

    private static String codeSource(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return "class path";
        }
        try {
            return Path.of(cs.getLocation().toURI()).toString();
        } catch (Exception e) {
            return cs.getLocation().toString();
        }
    }

    /** The plugins in {@code dir}: each jar, and each sub-directory (its jars together), sorted by name. */
    private static List<Path> plugins(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new TranslatorConfigurationException("plugin directory " + dir + " does not exist or is not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isDirectory(p) || isJar(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugin directory " + dir, e);
        }
    }

    private static URL[] urls(Path plugin) {
        try {
            if (!Files.isDirectory(plugin)) {
                return new URL[] {plugin.toUri().toURL()};
            }
            try (Stream<Path> s = Files.list(plugin)) {
                List<URL> urls = new ArrayList<>();
                for (Path jar : s.filter(TranslatorRegistry::isJar).sorted().toList()) {
                    urls.add(jar.toUri().toURL());
                }
                return urls.toArray(new URL[0]);
            }
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("bad plugin path " + plugin, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugin " + plugin, e);
        }
    }

    private static boolean isJar(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar");
    }

    private static void closeAll(List<URLClassLoader> loaders) {
        for (URLClassLoader l : loaders) {
            try {
                l.close();
            } catch (IOException ignored) {
                // nothing left to do for a loader that cannot close
            }
        }
    }
}
