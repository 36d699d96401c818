package io.paraverse.cloud.ec2;

import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.ProvisioningException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The per-migration TLS identity of an EC2 target: a self-signed RSA-2048 server certificate and its private key,
 * made with {@code openssl} beside the provisioner state ({@code <id>.tls-cert.pem}, {@code <id>.tls-key.pem}, both
 * 0600). The certificate goes to the instance in the user data with the key; Paraverse pins it
 * ({@code sslMode=verify-ca&serverSslCert=<cert file>}): only the holder of this migration's key, i.e. the instance,
 * passes the handshake. The key is deleted here once the instance is ready (nothing on this side needs it then).
 *
 * <p>Why {@code openssl} and not the JDK: the JDK has no public API to issue a certificate (only the internal
 * {@code sun.security.x509}, or keytool, which leaves the key in a keystore that would need converting to PEM for
 * the server); {@code openssl} is on every Debian/RHEL host and in the Paraverse image, and no new dependency is
 * needed. Why verify-ca and not verify-full: the certificate must be in the user data, which is sent before EC2 picks
 * the instance's IP, so the certificate cannot name it; a self-signed certificate unique to the migration, whose key
 * exists only on the instance, pins the server's identity as strongly as a host name check would.
 */
final class TargetTls {
    static final String CERT_SUFFIX = ".tls-cert.pem";
    static final String KEY_SUFFIX = ".tls-key.pem";
    private static final int VALID_DAYS = 3650;

    private TargetTls() { }

    static Path certFile(Path stateDir, String migrationId) {
        return stateDir.resolve(migrationId + CERT_SUFFIX).toAbsolutePath();
    }

    static Path keyFile(Path stateDir, String migrationId) {
        return stateDir.resolve(migrationId + KEY_SUFFIX).toAbsolutePath();
    }

    /** The JDBC options that make Connector/J use TLS and accept only this certificate. */
    static String jdbcOptions(Path cert) {
        return "sslMode=verify-ca&serverSslCert=" + cert.toAbsolutePath();
    }

    /** Generates the certificate and key unless both exist (a restart reuses them: the user data must not change). */
    static void ensure(Path stateDir, String migrationId) {
        Path cert = certFile(stateDir, migrationId);
        Path key = keyFile(stateDir, migrationId);
        if (Files.exists(cert) && Files.exists(key)) {
            return;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory(stateDir, migrationId + ".tls.",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path k = work.resolve("key.pem");
            Path c = work.resolve("cert.pem");
            Path err = work.resolve("openssl.err");
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", k.toString(), "-out", c.toString(), "-days", String.valueOf(VALID_DAYS),
                    "-subj", "/CN=paraverse-" + migrationId + "/O=Paraverse migration target")
                    .redirectErrorStream(true).redirectOutput(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ProvisioningException("migration " + migrationId + ": openssl did not create the target's TLS"
                        + " certificate within 60 s");
            }
            if (p.exitValue() != 0 || !Files.exists(k) || !Files.exists(c)) {
                String out = Files.exists(err) ? tail(Files.readString(err, StandardCharsets.UTF_8)) : "";
                throw new ProvisioningException("migration " + migrationId + ": openssl could not create the target's"
                        + " TLS certificate (exit " + p.exitValue() + "): " + out + ". Paraverse needs the openssl"
                        + " command (package openssl) to encrypt the connection to an EC2 target");
            }
            ProvisionerStateStore.writeAtomically(key, Files.readAllBytes(k));
            ProvisionerStateStore.writeAtomically(cert, Files.readAllBytes(c));
        } catch (IOException e) {
            throw new ProvisioningException("migration " + migrationId + ": cannot create the target's TLS certificate"
                    + " in " + stateDir + " (is openssl installed? package openssl): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted while creating the EC2 target's TLS certificate", e);
        } finally {
            deleteTree(work);
        }
    }

    static String certPem(Path stateDir, String migrationId) {
        return read(certFile(stateDir, migrationId));
    }

    /** The private key, for the user data only; never log it. */
    static String keyPem(Path stateDir, String migrationId) {
        Path key = keyFile(stateDir, migrationId);
        if (!Files.exists(key)) {
            throw new ProvisioningException("migration " + migrationId + ": the target's TLS key " + key + " is gone;"
                    + " abort the migration and start it again");
        }
        return read(key);
    }

    /** The instance has the key: this side never needs it again. */
    static void deleteKey(Path stateDir, String migrationId) {
        delete(keyFile(stateDir, migrationId));
    }

    static void deleteAll(Path stateDir, String migrationId) {
        delete(keyFile(stateDir, migrationId));
        delete(certFile(stateDir, migrationId));
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + f, e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /** openssl's error output without its progress dots (it never prints the key). */
    private static String tail(String s) {
        String t = s.replaceAll("[.+*]{3,}", "").strip();
        return t.length() > 500 ? t.substring(t.length() - 500) : t;
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(TargetTls::delete);
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp dir under the 0700 state dir; nothing to do about it here
        }
    }
}
