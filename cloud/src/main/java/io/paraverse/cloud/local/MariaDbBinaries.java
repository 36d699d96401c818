package io.paraverse.cloud.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the installed MariaDB server programs: {@code $PARAVERSE_MARIADB_BIN} if set, else PATH, /usr/sbin,
 * /usr/bin, /usr/local/mysql/bin. Missing programs are one clear message naming the package to install.
 */
public record MariaDbBinaries(Path mariadbd, Path installDb) {

    public static final String ENV_BIN_DIR = "PARAVERSE_MARIADB_BIN";

    public static MariaDbBinaries locate() {
        String env = System.getenv(ENV_BIN_DIR);
        return locate(env != null && !env.isBlank() ? Path.of(env) : null);
    }

    /** Looks only in {@code binDir} if it is not null (an explicit choice), else where {@link #locate()} looks. */
    public static MariaDbBinaries locate(Path binDir) {
        List<Path> dirs = new ArrayList<>();
        if (binDir != null) {
            dirs.add(binDir);
        } else {
            addDefaultDirs(dirs);
        }
        Path server = find(dirs, "mariadbd", "mysqld");
        Path install = find(dirs, "mariadb-install-db", "mysql_install_db");
        if (server == null || install == null) {
            throw new IllegalStateException("MariaDB server programs not found (looked for "
                    + (server == null ? "mariadbd" : "") + (server == null && install == null ? " and " : "")
                    + (install == null ? "mariadb-install-db" : "") + " in "
                    + (binDir != null ? binDir : ENV_BIN_DIR + ", PATH and /usr/sbin") + ")."
                    + " Install them with: apt-get install -y mariadb-server   (or set " + ENV_BIN_DIR
                    + " to the directory that holds mariadbd and mariadb-install-db)");
        }
        return new MariaDbBinaries(server, install);
    }

    private static void addDefaultDirs(List<Path> dirs) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String p : path.split(java.io.File.pathSeparator)) {
                if (!p.isBlank()) {
                    dirs.add(Path.of(p));
                }
            }
        }
        dirs.addAll(List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/usr/local/mysql/bin"),
                Path.of("/usr/local/mysql/scripts")));
    }

    private static Path find(List<Path> dirs, String... names) {
        for (String name : names) {
            for (Path d : dirs) {
                Path p = d.resolve(name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** The server's version line, e.g. "mariadbd  Ver 10.11.6-MariaDB-0+deb12u1 for debian-linux-gnu". */
    public String version() {
        try {
            Process p = new ProcessBuilder(mariadbd.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
