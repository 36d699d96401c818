package io.paraverse.daemon.verify;

import io.paraverse.translator.TableDef;

import java.util.List;
import java.util.Map;

/**
 * One target row as production translated says it should be: the table, its key (raw values to query with and
 * canonical to match), and the canonical value of every column the translation wrote ({@code absent}: the
 * translation says there is no such row).
 */
record Expected(TableDef table, List<String> keyColumns, List<Object> keyValues, RowKey key, Map<String, String> columns, boolean absent) {
    String tableName() {
        return table.qualifiedName();
    }
}
