package io.paraverse.daemon.pipeline;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GtidPositionTest {

    @Test
    void coversComparesEachDomainBySequenceNumber() {
        GtidPosition applied = GtidPosition.parse("0-1-100,1-2-7");
        assertTrue(applied.covers(GtidPosition.parse("0-1-100")));
        assertTrue(applied.covers(GtidPosition.parse("0-5-99,1-2-7")));
        assertFalse(applied.covers(GtidPosition.parse("0-1-101")));
        assertFalse(applied.covers(GtidPosition.parse("2-1-1")), "a domain the target never saw is not covered");
        assertTrue(applied.covers(GtidPosition.parse("")));
        assertEquals(3, applied.behind(GtidPosition.parse("0-1-102,1-2-8")));
    }

    @Test
    void malformedPositionNamesThePart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GtidPosition.parse("0-1-5,banana"));
        assertTrue(e.getMessage().contains("banana"), e.getMessage());
    }

    @Test
    void endpointNeverPrintsItsPassword() {
        Endpoint e = new Endpoint("db.example", 3306, "paraverse", "s3cret-Pw");
        assertFalse(e.toString().contains("s3cret-Pw"));
        assertEquals("jdbc:mariadb://db.example:3306/shop", e.jdbcUrl("shop"));
        assertThrows(IllegalArgumentException.class, () -> new Endpoint("h", 0, "u", ""));
    }
}
