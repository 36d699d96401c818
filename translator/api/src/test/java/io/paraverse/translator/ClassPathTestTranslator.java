package io.paraverse.translator;

import java.util.List;
import java.util.Set;

/** Registered in this module's test META-INF/services: the registry finds it on the class path. */
public final class ClassPathTestTranslator extends AbstractTranslator {
    @Override public Set<String> sourceTables() { return Set.of("cp.t"); }
    @Override public List<TargetOp> translate(RowChange change, TranslationContext ctx) { return List.of(); }
}
