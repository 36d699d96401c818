package io.paraverse.daemon.cutover;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * What a cutover in progress has done, saved (atomically, fsynced) before each step that changes something outside
 * the daemon, so a daemon killed mid-cutover resolves it on restart: rolled back while the decision is still
 * {@code ROLL_BACK} (production was only fenced), completed once it is {@code FORWARD} (from the switch on, clients
 * may write to the clone, so going back would lose their writes). Never "in between".
 *
 * @param readOnlyWasOn  production's read_only before the fence (restored on roll back)
 * @param readOnlySet    whether this cutover set read_only on production
 * @param finalPosition  production's GTID position after the fence (the drain's goal)
 * @param objectsCreated deferred triggers and events this cutover created on the clone (saved before each is
 *                       created: a roll back drops them, or catch-up would fire them on replayed rows)
 */
public record CutoverRecord(Instant startedAt, Decision decision, boolean fenced, boolean readOnlySet, boolean readOnlyWasOn,
                            String finalPosition, java.util.List<String> objectsCreated) {
    public enum Decision { ROLL_BACK, FORWARD }

    public CutoverRecord {
        objectsCreated = objectsCreated == null ? java.util.List.of() : java.util.List.copyOf(objectsCreated);
    }

    public static CutoverRecord begin(Instant now) {
        return new CutoverRecord(now, Decision.ROLL_BACK, false, false, false, null, null);
    }

    public CutoverRecord fenced(boolean readOnlySet, boolean readOnlyWasOn) {
        return new CutoverRecord(startedAt, decision, true, readOnlySet, readOnlyWasOn, finalPosition, objectsCreated);
    }

    public CutoverRecord at(String position) {
        return new CutoverRecord(startedAt, decision, fenced, readOnlySet, readOnlyWasOn, position, objectsCreated);
    }

    public CutoverRecord forward() {
        return new CutoverRecord(startedAt, Decision.FORWARD, fenced, readOnlySet, readOnlyWasOn, finalPosition, objectsCreated);
    }

    /** With one more deferred trigger or event ("trigger `db`.`name`") about to be created on the clone. */
    public CutoverRecord creating(String object) {
        java.util.List<String> all = new java.util.ArrayList<>(objectsCreated);
        all.add(object);
        return new CutoverRecord(startedAt, decision, fenced, readOnlySet, readOnlyWasOn, finalPosition, all);
    }

    /** The record file of one migration: {@code <data-dir>/<migration>/cutover.json}. */
    public static final class Store {
        private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        private final Path file;

        public Store(Path migrationDir) {
            this.file = migrationDir.resolve("cutover.json");
        }

        public void save(CutoverRecord r) {
            try {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling("cutover.json.tmp");
                Files.write(tmp, JSON.writeValueAsBytes(r));
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true); // the record must be on disk before the step it allows
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the cutover record " + file, e);
            }
        }

        public Optional<CutoverRecord> load() {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            try {
                return Optional.of(JSON.readValue(file.toFile(), CutoverRecord.class));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the cutover record " + file + "; it decides whether an interrupted"
                        + " cutover is finished or rolled back: inspect it before deleting it", e);
            }
        }

        public void delete() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
