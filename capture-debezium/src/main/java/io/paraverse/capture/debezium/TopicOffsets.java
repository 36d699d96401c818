package io.paraverse.capture.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Our own record of where to consume Debezium's topics from (Kafka consumer groups are not used): a short history
 * of checkpoints, each "after GTID position P, consuming from these offsets and skipping the GTIDs P covers delivers
 * exactly the transactions after P". The pipeline resumes from the journal's last durable commit, which may be older
 * than the newest checkpoint, so a resume picks the newest checkpoint at or before its position; with none, it
 * consumes the topics from their beginning (skipping what the position covers).
 *
 * <p>File: {@code debezium-topic-offsets.json} in the state directory, replaced atomically.
 */
final class TopicOffsets {
    /** Checkpoints kept: at one write per second, about a minute of journal fsync lag is covered. */
    static final int KEEP = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    record Checkpoint(String position, Map<TopicPartition, Long> offsets) {
    }

    private final Path file;
    private final Deque<Checkpoint> history = new ArrayDeque<>();

    TopicOffsets(Path stateDir) {
        this.file = stateDir.resolve("debezium-topic-offsets.json");
    }

    Path file() {
        return file;
    }

    void load() {
        history.clear();
        if (!Files.exists(file)) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            for (JsonNode c : root.path("checkpoints")) {
                Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = c.path("offsets").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    int colon = e.getKey().lastIndexOf(':');
                    offsets.put(new TopicPartition(e.getKey().substring(0, colon),
                            Integer.parseInt(e.getKey().substring(colon + 1))), e.getValue().asLong());
                }
                history.addLast(new Checkpoint(c.path("position").asText(""), offsets));
            }
        } catch (IOException | RuntimeException e) {
            throw new DebeziumCaptureException("cannot read the Debezium topic offsets in " + file + ": "
                    + e.getMessage() + ". Delete the file to consume the topics from their beginning (transactions the"
                    + " journal already holds are skipped by GTID).", e);
        }
    }

    /** The newest checkpoint at or before {@code position}, or null (then consume from the beginning). */
    Checkpoint checkpointFor(String position) {
        if (position == null) {
            return null;
        }
        GtidPosition resume = GtidPosition.parse(position);
        Checkpoint best = null;
        for (Checkpoint c : history) { // oldest first
            if (resume.coversAll(GtidPosition.parse(c.position()))) {
                best = c;
            }
        }
        return best;
    }

    void record(String position, Map<TopicPartition, Long> offsets) {
        Checkpoint last = history.peekLast();
        if (last != null && last.position().equals(position) && last.offsets().equals(offsets)) {
            return;
        }
        history.addLast(new Checkpoint(position, Map.copyOf(offsets)));
        while (history.size() > KEEP) {
            history.removeFirst();
        }
        save();
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("checkpoints");
        for (Checkpoint c : history) {
            ObjectNode n = list.addObject();
            n.put("position", c.position());
            ObjectNode o = n.putObject("offsets");
            c.offsets().forEach((tp, off) -> o.put(tp.topic() + ":" + tp.partition(), off));
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DebeziumCaptureException("cannot write the Debezium topic offsets to " + file + ": "
                    + e.getMessage(), e);
        }
    }
}
