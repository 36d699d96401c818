package io.paraverse.e2e;

import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;

import java.util.List;

/**
 * "orders-boom": copies shop.orders as it is, but fails on an order of amount 666 — a translator bug on one row, for
 * the tests of what the operator sees (FAILED naming the row, the metric by translator) and does (an audited skip).
 */
public final class OrdersBoomTranslator extends AbstractTranslator {
    private static final TargetTable ORDERS = new TargetTable("shop", "orders", List.of("id", "customer", "amount"), List.of("id"));

    public OrdersBoomTranslator() {
        super("shop.orders");
    }

    @Override
    public List<TargetOp> translate(RowChange change, TranslationContext ctx) {
        if (change.hasAfter() && Integer.valueOf(666).equals(((Number) change.after("amount")).intValue())) {
            throw new IllegalArgumentException("amount 666 is not a valid order amount in v2");
        }
        if (change.op() == RowChange.Op.DELETE) {
            return List.of(new TargetOp.Delete(ORDERS, List.of(change.before("id"))));
        }
        return List.of(new TargetOp.Upsert(ORDERS, List.of(change.after("id"), change.after("customer"), change.after("amount"))));
    }
}
