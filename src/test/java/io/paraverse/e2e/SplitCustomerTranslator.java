package io.paraverse.e2e;

import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TranslationContext;

import java.util.List;
import java.util.Set;

/** A translator found by name through ServiceLoader (META-INF/services in the test resources): "split-customer". */
public final class SplitCustomerTranslator extends AbstractTranslator {
    private final TranslateCheckTest.SplitCustomer delegate = new TranslateCheckTest.SplitCustomer("none");

    @Override
    public Set<String> sourceTables() {
        return delegate.sourceTables();
    }

    @Override
    public List<TargetOp> translate(RowChange change, TranslationContext ctx) {
        return delegate.translate(change, ctx);
    }
}
