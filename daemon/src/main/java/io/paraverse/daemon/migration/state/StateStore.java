package io.paraverse.daemon.migration.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Persists each migration's {@link MigrationState} as {@code <dataDir>/<migration>/state.json}, atomically: the
 * new version is written to a temporary file, fsynced, renamed over the old one, and the directory fsynced, so after a
 * crash at any instant the file holds either the old or the new state, whole. The orchestrator saves the new state
 * <em>before</em> a transition takes effect.
 */
public final class StateStore {
    private static final String FILE = "state.json";
    private final Path dataDir;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public StateStore(Path dataDir) {
        this.dataDir = dataDir;
    }

    public Path file(String migration) {
        if (!migration.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("migration name '" + migration + "': 1-64 letters, digits, '_', '.', '-'");
        }
        return dataDir.resolve(migration).resolve(FILE);
    }

    public void save(MigrationState state) {
        Path target = file(state.migration());
        Path tmp = target.resolveSibling(FILE + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(json.writeValueAsBytes(state)));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the data directory " + dataDir + " cannot rename atomically; put it on a local file system", e);
            }
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true); // the rename itself is durable only once the directory is
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the state of migration " + state.migration() + " to " + target + ": "
                    + e.getMessage(), e);
        }
    }

    public Optional<MigrationState> load(String migration) {
        Path f = file(migration);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            JsonNode tree = json.readTree(f.toFile());
            int version = tree.path("version").asInt(-1);
            if (version != MigrationState.VERSION) {
                throw new IllegalStateException(f + " has state format version " + version + "; this Paraverse reads version "
                        + MigrationState.VERSION + " (docs/STATE.md)");
            }
            return Optional.of(json.treeToValue(tree, MigrationState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state of migration " + migration + " from " + f + ": " + e.getMessage(), e);
        }
    }
}
