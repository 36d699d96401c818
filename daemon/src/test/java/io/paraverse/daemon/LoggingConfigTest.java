package io.paraverse.daemon;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static org.junit.jupiter.api.Assertions.*;

/** The shipped logback.xml must parse: a broken one silently falls back to DEBUG logging on stdout. */
class LoggingConfigTest {

    @Test
    void shippedLogbackConfigurationParsesWithoutErrors() throws Exception {
        URL config = Main.class.getResource("/logback.xml");
        assertNotNull(config, "logback.xml is not packaged");
        LoggerContext ctx = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(ctx);
        configurator.doConfigure(config);
        for (Status s : ctx.getStatusManager().getCopyOfStatusList()) {
            assertTrue(s.getLevel() < Status.WARN, "logback.xml: " + s.getMessage());
        }
        assertEquals("WARN", ctx.getLogger("ROOT").getLevel().toString());
    }
}
