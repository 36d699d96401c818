package io.paraverse.daemon.upgrade;

import io.paraverse.clone.CloneEndpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The clone's password on disk for an upgrade command, so it never appears in argv or the environment (both are
 * readable by other users through /proc): a private directory (0700) holding {@code password} (just the password,
 * for {@code -p"$(cat …)"}) and {@code client.cnf} (a {@code [client]} option file for
 * {@code mariadb --defaults-extra-file=…}), both 0600 from creation. {@link #close()} deletes them. The directory
 * is made next to the upgrade log (the migration's own directory, not /tmp), so what a killed process leaves behind
 * stays private and is removed by the next run ({@link #deleteLeftovers}).
 */
final class CloneCredentialFiles implements AutoCloseable {
    private final Path dir;
    private final Path passwordFile;
    private final Path optionFile;

    static final String PREFIX = "upgrade-credentials-";

    CloneCredentialFiles(CloneEndpoint clone, Path parent) {
        try {
            Files.createDirectories(parent);
            dir = Files.createTempDirectory(parent, PREFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            passwordFile = writePrivate(dir.resolve("password"), password(clone));
            optionFile = writePrivate(dir.resolve("client.cnf"), "[client]\n"
                    + "host=" + clone.host() + "\n"
                    + "port=" + clone.port() + "\n"
                    + "user=" + optionValue(clone.user()) + "\n"
                    + "password=" + optionValue(password(clone)) + "\n"
                    // a TLS-only clone (EC2): the client verifies the server against the pinned certificate
                    + (clone.serverSslCert() == null ? "" : "ssl-ca=" + optionValue(clone.serverSslCert()) + "\n"));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot write the clone's credentials for the upgrade command", e);
        }
    }

    /** Removes credential directories a killed run left in {@code parent}. */
    static void deleteLeftovers(Path parent) {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (var dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path d : dirs) {
                try (var files = Files.list(d)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(d);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove old upgrade credentials in " + parent + ": " + e.getMessage(), e);
        }
    }

    Path passwordFile() { return passwordFile; }
    Path optionFile() { return optionFile; }

    private static String password(CloneEndpoint clone) {
        return clone.password() == null ? "" : clone.password();
    }

    private static Path writePrivate(Path file, String content) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** Option file values are quoted so #, spaces and quotes in a password survive. */
    private static String optionValue(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        for (Path p : new Path[] {passwordFile, optionFile, dir}) {
            if (p != null) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: the directory is private to this user
                }
            }
        }
    }
}
