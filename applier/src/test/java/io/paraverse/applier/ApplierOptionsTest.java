package io.paraverse.applier;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplierOptionsTest {

    @Test
    void defaults() {
        ApplierOptions o = ApplierOptions.defaults("main");
        assertEquals("main", o.pipeline());
        assertEquals("paraverse", o.checkpointSchema());
        assertEquals(20_000, o.maxTransactionRows());
        assertEquals(1_000, o.maxStatementRows());
        assertEquals(Duration.ofMillis(20), o.idleFlushDelay());
        assertTrue(o.compaction());
        assertEquals("STRICT_ALL_TABLES,ALLOW_INVALID_DATES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION", o.sqlMode());
        assertEquals(o, o.toBuilder().build());
        assertEquals(o.hashCode(), o.toBuilder().build().hashCode());
    }

    @Test
    void invalidValuesAreRejectedWithTheirName() {
        assertMessage("pipeline", () -> ApplierOptions.defaults(""));
        assertMessage("pipeline", () -> ApplierOptions.defaults("a'b"));
        assertMessage("pipeline", () -> ApplierOptions.defaults(null));
        assertMessage("checkpoint schema", () -> ApplierOptions.builder("p").checkpointSchema("x`y").build());
        assertMessage("maxTransactionRows", () -> ApplierOptions.builder("p").maxTransactionRows(0).build());
        assertMessage("maxStatementRows", () -> ApplierOptions.builder("p").maxStatementRows(70_000).build());
        assertMessage("idleFlushDelay", () -> ApplierOptions.builder("p").idleFlushDelay(Duration.ZERO).build());
        assertMessage("maxBatchDelay", () -> ApplierOptions.builder("p").maxBatchDelay(Duration.ofMillis(-1)).build());
        assertMessage("sqlMode", () -> ApplierOptions.builder("p").sqlMode("x'; DROP").build());
        assertMessage("maxRetries", () -> ApplierOptions.builder("p").maxRetries(-1).build());
        assertMessage("maxRetryBackoff", () -> ApplierOptions.builder("p")
                .retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build());
    }

    @Test
    void toStringShowsSettingsAndNoSecrets() {
        String s = ApplierOptions.builder("main").maxTransactionRows(5000).build().toString();
        assertTrue(s.contains("pipeline=main"), s);
        assertTrue(s.contains("maxTransactionRows=5000"), s);
        assertFalse(s.toLowerCase().contains("password"), s);
    }

    @Test
    void sessionSqlCarriesTheRequiredSettings() {
        String sql = TargetDataSource.sessionSql(ApplierOptions.DEFAULT_SQL_MODE);
        assertTrue(sql.contains("time_zone = '+00:00'"), sql);
        assertTrue(sql.contains("sql_mode = 'STRICT_ALL_TABLES,ALLOW_INVALID_DATES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'"), sql);
        assertTrue(sql.contains("foreign_key_checks = 0"), sql);
        assertTrue(sql.contains("NAMES utf8mb4"), sql);
    }

    private static void assertMessage(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
