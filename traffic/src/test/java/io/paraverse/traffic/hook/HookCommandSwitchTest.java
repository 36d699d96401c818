package io.paraverse.traffic.hook;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.paraverse.traffic.Endpoint;
import io.paraverse.traffic.FenceResult;
import io.paraverse.traffic.TrafficSwitchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HookCommandSwitch running real shell scripts. */
class HookCommandSwitchTest {
    private static final Endpoint PRODUCTION = new Endpoint("db-old.internal", 3306);
    private static final Endpoint CLONE = new Endpoint("db-new.internal", 3307);

    @TempDir
    Path dir;

    @Test
    void eachStepRunsTheCommandWithTheMigrationsFactsInItsEnvironment() throws Exception {
        Path hook = script("hook.sh", """
                #!/bin/sh
                env | grep -E '^(PARAVERSE_|LB_)' | sort > "$OUT/$PARAVERSE_STEP.env"
                echo "moved to $PARAVERSE_TARGET_HOST"
                """);
        HookCommandSwitch sw = new HookCommandSwitch(new HookCommandConfig(List.of(hook.toString()), "wiki-1.5",
                PRODUCTION, CLONE, Map.of("OUT", dir.toString(), "LB_NAME", "front", "PARAVERSE_STEP", "ignored"),
                Duration.ofSeconds(10), null));
        sw.check();
        FenceResult fence = sw.fence(Duration.ofSeconds(7));
        sw.switchTo(CLONE);
        sw.release();

        String common = "PARAVERSE_CLONE_HOST=db-new.internal\nPARAVERSE_CLONE_PORT=3307\n";
        String facts = "PARAVERSE_MIGRATION=wiki-1.5\nPARAVERSE_PRODUCTION_HOST=db-old.internal\n"
                + "PARAVERSE_PRODUCTION_PORT=3306\n";
        String toClone = "PARAVERSE_TARGET_HOST=db-new.internal\nPARAVERSE_TARGET_PORT=3307\n";
        assertEquals("LB_NAME=front\n" + common + facts + "PARAVERSE_STEP=check\n" + toClone, env("check"));
        assertEquals("LB_NAME=front\n" + common + "PARAVERSE_FENCE_TIMEOUT_MS=7000\n" + facts
                + "PARAVERSE_STEP=fence\n" + toClone, env("fence"));
        assertEquals("LB_NAME=front\n" + common + facts + "PARAVERSE_STEP=switch\n" + toClone, env("switch"));
        assertEquals("LB_NAME=front\n" + common + facts + "PARAVERSE_STEP=release\n" + toClone, env("release"));
        assertFalse(fence.drained(), "the hook did not print 'drained'");
        assertEquals(-1, fence.inFlight());
        assertFalse(fence.holdsClients());

        sw.switchTo(PRODUCTION); // rollback
        sw.release();
        assertTrue(env("release").contains("PARAVERSE_TARGET_HOST=db-old.internal\nPARAVERSE_TARGET_PORT=3306\n"),
                env("release"));
    }

    @Test
    void fenceReadsDrainedAndInFlightFromTheOutput() throws Exception {
        Path drained = script("drained.sh", """
                #!/bin/sh
                echo "waiting for connections to close"
                echo "  drained"
                """);
        FenceResult yes = switchFor(List.of(drained.toString()), Duration.ofSeconds(10)).fence(Duration.ofSeconds(1));
        assertTrue(yes.drained());
        assertEquals(0, yes.inFlight());
        assertFalse(yes.holdsClients());

        Path busy = script("busy.sh", """
                #!/bin/sh
                echo "not drained yet"
                echo "in-flight 4"
                """);
        FenceResult no = switchFor(List.of(busy.toString()), Duration.ofSeconds(10)).fence(Duration.ofSeconds(1));
        assertFalse(no.drained(), "'not drained yet' is not the line 'drained'");
        assertEquals(4, no.inFlight());
    }

    @Test
    void aFailingCommandFailsTheStepWithItsExitCodeAndLastOutputLinesLoggedLineByLine() throws Exception {
        Path failing = script("failing.sh", """
                #!/bin/sh
                i=1
                while [ $i -le 30 ]; do echo "line $i"; i=$((i+1)); done
                echo "load balancer refused: no such pool" >&2
                exit 3
                """);
        Logger logger = (Logger) LoggerFactory.getLogger(HookCommandSwitch.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            TrafficSwitchException e = assertThrows(TrafficSwitchException.class,
                    () -> switchFor(List.of(failing.toString()), Duration.ofSeconds(10)).switchTo(CLONE));
            assertTrue(e.getMessage().startsWith("hook: step switch: " + failing + " exited with code 3."),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("line 30\n  load balancer refused: no such pool"), e.getMessage());
            assertTrue(e.getMessage().contains("\n  line 12\n"), e.getMessage());
            assertFalse(e.getMessage().contains("line 11\n"), "only the last 20 lines: " + e.getMessage());
        } finally {
            logger.detachAppender(logged);
        }
        List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("hook switch: ")).toList();
        assertEquals(31, lines.size(), lines.toString());
        assertEquals("hook switch: line 1", lines.get(0));
        assertEquals("hook switch: load balancer refused: no such pool", lines.get(30));
    }

    @Test
    void aStepPastItsTimeoutIsKilledWithItsChildProcesses() throws Exception {
        Path slow = script("slow.sh", """
                #!/bin/sh
                echo $$ > "$OUT/script.pid"
                sleep 60 &
                echo $! > "$OUT/child.pid"
                echo "started"
                wait
                echo "finished" > "$OUT/finished"
                """);
        HookCommandSwitch sw = new HookCommandSwitch(new HookCommandConfig(List.of(slow.toString()), "m", PRODUCTION,
                CLONE, Map.of("OUT", dir.toString()), Duration.ofMillis(800), null));
        long start = System.nanoTime();
        TrafficSwitchException e = assertThrows(TrafficSwitchException.class, sw::check);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().startsWith("hook: step check: " + slow + " did not finish within 800 ms; it and its"
                + " child processes were killed."), e.getMessage());
        assertTrue(e.getMessage().endsWith("last output lines:\n  started"), e.getMessage());
        assertTrue(tookMs < 8_000, "took " + tookMs + " ms");
        for (String pidFile : List.of("script.pid", "child.pid")) {
            long pid = Long.parseLong(Files.readString(dir.resolve(pidFile)).trim());
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            assertFalse(p.isPresent() && p.get().isAlive(), pidFile + " " + pid + " still runs");
        }
        assertFalse(Files.exists(dir.resolve("finished")));
    }

    @Test
    void theCommandRunsWithoutAShellUnlessTheOperatorWritesShC() throws Exception {
        Path args = script("args.sh", """
                #!/bin/sh
                printf '%s\\n' "$@" > "$OUT/args"
                """);
        new HookCommandSwitch(new HookCommandConfig(List.of(args.toString(), "$PARAVERSE_STEP; rm -rf x", "two words"),
                "m", PRODUCTION, CLONE, Map.of("OUT", dir.toString()), Duration.ofSeconds(10), null)).check();
        assertEquals("$PARAVERSE_STEP; rm -rf x\ntwo words\n", Files.readString(dir.resolve("args")));

        new HookCommandSwitch(new HookCommandConfig(List.of("sh", "-c",
                "echo \"$PARAVERSE_STEP to $PARAVERSE_TARGET_HOST:$PARAVERSE_TARGET_PORT\" > out.txt"), "m",
                PRODUCTION, CLONE, Map.of(), Duration.ofSeconds(10), dir)).switchTo(CLONE);
        assertEquals("switch to db-new.internal:3307\n", Files.readString(dir.resolve("out.txt")));

        TrafficSwitchException missing = assertThrows(TrafficSwitchException.class,
                () -> switchFor(List.of(dir.resolve("no-such-hook").toString()), Duration.ofSeconds(5)).release());
        assertTrue(missing.getMessage().startsWith("hook: step release: cannot start " + dir.resolve("no-such-hook")),
                missing.getMessage());
    }

    private HookCommandSwitch switchFor(List<String> command, Duration stepTimeout) {
        return new HookCommandSwitch(new HookCommandConfig(command, "m", PRODUCTION, CLONE, Map.of(), stepTimeout,
                null));
    }

    private String env(String step) throws IOException {
        return Files.readString(dir.resolve(step + ".env"));
    }

    private Path script(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
