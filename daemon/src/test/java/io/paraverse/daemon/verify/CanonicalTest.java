package io.paraverse.daemon.verify;

import io.paraverse.translator.Column;
import io.paraverse.translator.SqlType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.*;

/** What a translator emits and what the server stores compare equal exactly when the server would store the same. */
class CanonicalTest {
    private static String of(Object v, SqlType t) {
        return Canonical.of(v, Column.of("c", t));
    }

    @Test
    void numbersCompareByValueInTheColumnsType() {
        assertEquals(of(new BigDecimal("5.00"), SqlType.DECIMAL), of(5L, SqlType.DECIMAL));
        assertEquals(of(new BigDecimal("0.000"), SqlType.DECIMAL), of("0", SqlType.DECIMAL));
        assertNotEquals(of(new BigDecimal("5.01"), SqlType.DECIMAL), of(5L, SqlType.DECIMAL));
        assertEquals("18446744073709551615", of(new BigInteger("18446744073709551615"), SqlType.BIGINT));
        assertEquals(of(7L, SqlType.INT), of("7", SqlType.INT));
        assertEquals(of(0.1f, SqlType.FLOAT), of(0.1d, SqlType.FLOAT), "a DOUBLE written to a FLOAT column is stored at float precision");
        assertNotEquals(of(0.1f, SqlType.DOUBLE), of(0.1d, SqlType.DOUBLE));
    }

    @Test
    void binaryIsHexTextIsExactAndNullIsNull() {
        assertEquals("0x00ff", of(new byte[] {0, (byte) 0xff}, SqlType.VARBINARY));
        assertNotEquals(of("Abc", SqlType.VARCHAR), of("abc", SqlType.VARCHAR), "no collation folds case here");
        assertNull(of(null, SqlType.INT));
        assertEquals("NULL", Canonical.shown(null));
        assertEquals("x".repeat(80) + "...(81 chars)", Canonical.shown("x".repeat(81)));
    }
}
