package io.paraverse.daemon.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.daemon.migration.state.MigrationState;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The daemon's output on stdout: status lines, and one line per phase transition with its facts. As text for
 * people, or one JSON object per line for log pipelines ({@code --log-format json}, which also turns the stderr
 * log into logback's JSON lines).
 */
final class DaemonLog {
    enum Format { text, json }

    private final Format format;
    private final ObjectMapper json = new ObjectMapper();

    DaemonLog(Format format) {
        this.format = format;
        if (format == Format.json) {
            jsonLogback();
        }
    }

    /** A status line of one migration (null: of the daemon). */
    synchronized void say(String migration, String line) {
        if (format == Format.text) {
            System.out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))
                    + (migration == null ? " " : " [" + migration + "] ") + line);
        } else {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ts", Instant.now().toString());
            m.put("event", "status");
            m.put("migration", migration);
            m.put("message", line);
            write(m);
        }
        System.out.flush();
    }

    /** A phase transition, once saved: in text it is already a status line ("phase X: why"). */
    synchronized void transition(String migration, MigrationState.Transition t) {
        if (format == Format.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ts", t.at().toString());
            m.put("event", "phase");
            m.put("migration", migration);
            m.put("from", t.from() == null ? null : t.from().name());
            m.put("to", t.to().name());
            m.put("reason", t.reason());
            write(m);
            System.out.flush();
        }
    }

    private void write(Map<String, Object> m) {
        try {
            System.out.println(json.writeValueAsString(m));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            System.out.println(m);
        }
    }

    /** Re-encodes the console appender (logback.xml's ERR) as JSON lines. */
    private static void jsonLogback() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        var root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender("ERR") instanceof ConsoleAppender<ILoggingEvent> console) {
            console.stop();
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(ctx);
            encoder.start();
            console.setEncoder(encoder);
            console.start();
        }
    }
}
