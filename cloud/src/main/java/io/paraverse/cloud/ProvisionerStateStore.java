package io.paraverse.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One small JSON document per migration id ({@code <id>.json}, {@code "version": 1}) in a directory the caller
 * chooses. Writes are atomic: a temp file is written and fsynced, renamed over the old one (ATOMIC_MOVE) and the
 * directory fsynced, so a crash leaves the old or the new document, never a torn one.
 *
 * <p>State documents hold no passwords, only {@link CredentialRef}s. A secret the provisioner itself generated (the
 * local server's root password) goes to {@code <id>.secret} with permissions 0600 via {@link #saveSecret}, and the
 * state refers to it as {@code file:...}.
 */
public final class ProvisionerStateStore {
    static final int VERSION = 1;
    private static final Pattern MIGRATION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public ProvisionerStateStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the provisioner state directory " + dir, e);
        }
    }

    public Path directory() { return dir; }

    /** Ids become file names: letters, digits, '.', '_' and '-', not starting with '.' or '-'. */
    public static String checkMigrationId(String migrationId) {
        if (migrationId == null || !MIGRATION_ID.matcher(migrationId).matches()) {
            throw new IllegalArgumentException("migration id must be 1-128 letters, digits, '.', '_' or '-' and start"
                    + " with a letter or digit: '" + migrationId + "'");
        }
        return migrationId;
    }

    public Path stateFile(String migrationId) {
        return dir.resolve(checkMigrationId(migrationId) + ".json");
    }

    public Path secretFile(String migrationId) {
        return dir.resolve(checkMigrationId(migrationId) + ".secret");
    }

    public void save(ProvisionerState state) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("version", VERSION);
        doc.put("migrationId", state.migrationId());
        doc.put("kind", state.kind());
        doc.put("host", state.host());
        doc.put("port", state.port());
        doc.put("user", state.user());
        doc.put("jdbcUrl", state.jdbcUrl());
        doc.put("credentialRef", state.credentialRef() == null ? null : state.credentialRef().toString());
        ObjectNode details = doc.putObject("details");
        state.details().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> details.put(e.getKey(), e.getValue()));
        try {
            writeAtomically(stateFile(state.migrationId()), JSON.writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write provisioner state for migration " + state.migrationId(), e);
        }
    }

    public Optional<ProvisionerState> load(String migrationId) {
        Path file = stateFile(migrationId);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read provisioner state " + file, e);
        }
        int version = doc.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IllegalStateException("provisioner state " + file + " has version " + doc.path("version")
                    + "; this Paraverse reads version " + VERSION);
        }
        Map<String, String> details = new LinkedHashMap<>();
        doc.path("details").properties().forEach(e -> details.put(e.getKey(), e.getValue().asText()));
        String ref = text(doc, "credentialRef");
        return Optional.of(new ProvisionerState(text(doc, "migrationId"), text(doc, "kind"), text(doc, "host"),
                doc.path("port").asInt(), text(doc, "user"), text(doc, "jdbcUrl"),
                ref == null ? null : CredentialRef.parse(ref), details));
    }

    /** Writes a secret to {@code <id>.secret}, readable by the owner only; returns the reference to store instead. */
    public CredentialRef saveSecret(String migrationId, String secret) {
        Path file = secretFile(migrationId);
        try {
            writeAtomically(file, secret.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return CredentialRef.file(file.toAbsolutePath());
    }

    /** Deletes the state document and secret of this id, if any. */
    public void delete(String migrationId) {
        try {
            Files.deleteIfExists(stateFile(migrationId));
            Files.deleteIfExists(secretFile(migrationId));
            fsyncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete provisioner state for migration " + migrationId, e);
        }
    }

    /** Temp file (created 0600) + fsync + atomic rename + directory fsync. */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = Files.createTempFile(parent, target.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            tmp = Files.createTempFile(parent, target.getFileName() + ".", ".tmp");
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        fsyncDirectory(parent);
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (FileSystemException | UnsupportedOperationException e) {
            // some platforms cannot open a directory for fsync; the rename is still atomic
        }
    }

    private static String text(JsonNode doc, String field) {
        JsonNode n = doc.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
