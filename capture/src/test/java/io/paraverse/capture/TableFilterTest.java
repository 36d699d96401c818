package io.paraverse.capture;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableFilterTest {
    @Test
    void noPatternsMeansEverythingButSystemSchemas() {
        TableFilter f = TableFilter.all();
        assertTrue(f.includes("shop", "orders"));
        for (String s : List.of("mysql", "information_schema", "performance_schema", "sys", "paraverse")) {
            assertFalse(f.includes(s, "t"), s);
            assertFalse(f.mayIncludeSchema(s), s);
        }
    }

    @Test
    void includeExcludeAndWildcards() {
        TableFilter f = TableFilter.of(List.of("shop.*", "crm.customers", "log_?", "`odd.db`.t*"),
                List.of("shop.tmp_*", "log_2"));
        assertTrue(f.includes("shop", "orders"));
        assertFalse(f.includes("shop", "tmp_x"));
        assertTrue(f.includes("crm", "customers"));
        assertFalse(f.includes("crm", "leads"));
        assertTrue(f.includes("log_1", "anything"));
        assertFalse(f.includes("log_2", "anything"));
        assertFalse(f.includes("log_10", "anything"));
        assertTrue(f.includes("odd.db", "tab"));
        assertFalse(f.includes("odd.db", "x"));
        assertFalse(f.includes("Shop", "orders"), "names are case-sensitive");
        assertTrue(f.mayIncludeSchema("crm"));
        assertFalse(f.mayIncludeSchema("log_2"));
        assertFalse(f.mayIncludeSchema("other"));
        // the system schemas stay excluded even when named
        assertFalse(TableFilter.of(List.of("mysql.*", "paraverse.*"), List.of()).includes("mysql", "user"));
    }
}
