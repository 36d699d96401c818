package io.paraverse.capture;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GtidStateTest {
    @Test
    void parsesRendersAndAdvancesPerDomain() {
        GtidState g = GtidState.parse("0-1-414, 2-5-7");
        assertEquals("0-1-414,2-5-7", g.render());
        assertEquals("0-1-415,2-5-7", g.renderWith(0, "0-1-415"));
        assertEquals("0-1-414,2-5-7,3-9-1", g.renderWith(3, "3-9-1"));
        assertEquals("0-1-414,2-5-7", g.render(), "renderWith does not change the state");
        g.advance(2, "2-6-8");
        assertEquals("0-1-414,2-6-8", g.render());
        assertEquals("0-1-2", GtidState.parse("").renderWith(0, "0-1-2"));
        assertEquals("0-1-2", GtidState.parse("0-1-1").renderWith(0, "0-1-2"));
        assertTrue(GtidState.isPosition(""));
        assertFalse(GtidState.isPosition("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5"));
        assertThrows(IllegalArgumentException.class, () -> GtidState.parse("0-1"));
    }
}
