package io.paraverse.clone;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Collects what the clone package logs while open, to assert that a warning was really logged. */
final class LogCapture implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.paraverse.clone");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private final Level level = logger.getLevel();

    /** Also captures DEBUG while open. */
    LogCapture() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    List<String> at(Level level) {
        synchronized (appender.list) {
            return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    boolean contains(Level level, String text) {
        return at(level).stream().anyMatch(m -> m.contains(text));
    }

    @Override
    public void close() {
        logger.setLevel(level);
        logger.detachAppender(appender);
        appender.stop();
    }
}
