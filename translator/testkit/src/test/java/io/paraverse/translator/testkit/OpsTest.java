package io.paraverse.translator.testkit;

import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static io.paraverse.translator.testkit.Ops.assertOps;
import static io.paraverse.translator.testkit.Ops.delete;
import static io.paraverse.translator.testkit.Ops.update;
import static io.paraverse.translator.testkit.Ops.upsert;
import static org.junit.jupiter.api.Assertions.*;

class OpsTest {
    static final TargetTable T = Ops.table("s.t", List.of("id", "name", "data"), "id");
    static final TargetTable NAME = Ops.table("s.t", List.of("id", "name"), "id");

    @Test
    void equalOpsPassWithIntsAsLongsAndBytesByContent() {
        List<TargetOp> actual = List.of(new TargetOp.Upsert(T, Arrays.asList(1L, "a", new byte[] {1})),
                new TargetOp.Update(NAME, List.of(1L, "b")), new TargetOp.Delete(T, List.of(2L)));
        assertOps(actual, upsert(T, 1, "a", new byte[] {1}), update(NAME, 1, "b"), delete(T, 2));
        assertOps(List.of());
    }

    @Test
    void failureListsExpectedAndActualAndTheFirstDifference() {
        List<TargetOp> actual = List.of(new TargetOp.Upsert(T, Arrays.asList(1L, "a", null)));
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertOps(actual, upsert(T, 1, "b", null), delete(T, 2)));
        assertEquals("""
                translator produced other ops: op #1 differs
                expected 2:
                  1. upsert s.t (id=1, name='b', data=NULL) key (id)
                  2. delete s.t where (id=2)
                actual 1:
                  1. upsert s.t (id=1, name='a', data=NULL) key (id)
                """, e.getMessage());
        assertTrue(e.isExpectedDefined() && e.isActualDefined());
        String m = assertThrows(AssertionFailedError.class, () -> assertOps(List.of(), update(NAME, 1, "x"))).getMessage();
        assertTrue(m.contains("op #1 is missing") && m.contains("update s.t set (name='x') where (id=1)") && m.contains("(none)"), m);
    }

    @Test
    void valuesOfAnotherJavaClassAreShownWithTheirClass() {
        List<TargetOp> actual = List.of(new TargetOp.Delete(T, List.of(1.0)));
        String m = assertThrows(AssertionFailedError.class, () -> assertOps(actual, delete(T, 1))).getMessage();
        assertTrue(m.contains("where (id=1)") && m.contains("where (id=1.0::Double)"), m);
    }

    @Test
    void runnerRejectsWhatTheApplierWouldRefuse() {
        class IntegerTranslator extends AbstractTranslator {
            final List<Object> values;
            IntegerTranslator(Object... values) { this.values = Arrays.asList(values); }
            @Override public Set<String> sourceTables() { return Set.of("s.src"); }
            @Override public List<TargetOp> translate(RowChange c, TranslationContext ctx) {
                return List.of(new TargetOp.Upsert(T, new ArrayList<>(values)));
            }
        }
        RowChange c = Changes.table("s.src").columns("id INT").key("id").insert(1);
        String m = assertThrows(AssertionFailedError.class,
                () -> TranslatorRunner.of(new IntegerTranslator(1, "a", null)).translate(c)).getMessage();
        assertTrue(m.contains("translator 'integer', op 1 for INSERT of s.src {id=1}") && m.contains("column id holds a java.lang.Integer"), m);
        m = assertThrows(AssertionFailedError.class,
                () -> TranslatorRunner.of(new IntegerTranslator(null, "a", null)).translate(c)).getMessage();
        assertTrue(m.contains("key column id is NULL"), m);
    }
}
