package io.paraverse.capture;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptureConfigTest {
    private static CaptureConfig.Builder valid() {
        return CaptureConfig.builder().host("db.example").port(3307).user("capture").password("Secr3t!pw");
    }

    @Test
    void defaultsAndAccessors() {
        CaptureConfig c = valid().include("shop.*").exclude("shop.tmp").build();
        assertEquals("db.example", c.host());
        assertEquals(3307, c.port());
        assertEquals("capture", c.user());
        assertEquals("Secr3t!pw", c.password());
        assertTrue(c.serverId() >= 1_000_000 && c.serverId() <= 2_000_000, "server id " + c.serverId());
        assertEquals(Duration.ofSeconds(2), c.heartbeatInterval());
        assertEquals(Duration.ofSeconds(20), c.keepAliveTimeout());
        assertEquals(Duration.ofMillis(500), c.reconnectBackoffInitial());
        assertEquals(Duration.ofSeconds(30), c.reconnectBackoffMax());
        assertEquals(List.of("shop.*"), c.include());
        assertEquals(List.of("shop.tmp"), c.exclude());
        assertTrue(c.captures("shop", "orders"));
        assertFalse(c.captures("shop", "tmp"));
        assertFalse(c.captures("other", "orders"));
        assertEquals(c, c.toBuilder().build());
        assertEquals("db.example:3307", c.address());
    }

    @Test
    void randomServerIdsDiffer() {
        long a = valid().build().serverId();
        boolean differs = false;
        for (int i = 0; i < 5 && !differs; i++) {
            differs = valid().build().serverId() != a;
        }
        assertTrue(differs);
        assertEquals(42, valid().serverId(42).build().serverId());
    }

    @Test
    void toStringHidesThePassword() {
        String s = valid().build().toString();
        assertFalse(s.contains("Secr3t!pw"), s);
        assertTrue(s.contains("password=***"), s);
        assertTrue(s.contains("capture"), s);
        assertTrue(s.contains("db.example:3307"), s);
    }

    @Test
    void validationListsEveryProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaptureConfig.builder()
                .port(0).serverId(0).include("a.b.c").heartbeatInterval(Duration.ofSeconds(10))
                .keepAliveTimeout(Duration.ofSeconds(15)).reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1))
                .build());
        String m = e.getMessage();
        for (String expected : List.of("host is required", "port must be", "user is required", "serverId must be",
                "more than twice heartbeatInterval", "reconnectBackoffMax", "bad include pattern 'a.b.c'")) {
            assertTrue(m.contains(expected), expected + " missing from: " + m);
        }
        assertThrows(IllegalArgumentException.class, () -> valid().exclude("").build());
        assertThrows(IllegalArgumentException.class, () -> valid().include("`unclosed.t").build());
        assertNotEquals(valid().serverId(1).build(), valid().serverId(2).build());
    }
}
