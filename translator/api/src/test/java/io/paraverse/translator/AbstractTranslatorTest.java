package io.paraverse.translator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class AbstractTranslatorTest {
    static final class CurToPageTranslator extends AbstractTranslator {
        CurToPageTranslator() {
            super("wiki.cur", "wiki.old");
        }

        @Override
        public List<TargetOp> translate(RowChange change, TranslationContext ctx) {
            return List.of();
        }
    }

    static final class ForgetfulTranslator extends AbstractTranslator {
        @Override
        public List<TargetOp> translate(RowChange change, TranslationContext ctx) {
            return List.of();
        }
    }

    @Test
    void oneMethodToWriteTheNameFromTheClassAndTablesFromTheConstructor() {
        CurToPageTranslator t = new CurToPageTranslator();
        assertEquals("cur-to-page", t.name());
        assertEquals(Set.of("wiki.cur", "wiki.old"), t.sourceTables());
    }

    @Test
    void noTablesAtAllIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ForgetfulTranslator().sourceTables());
        assertTrue(e.getMessage().contains("forgetful") && e.getMessage().contains("constructor"), e.getMessage());
    }
}
