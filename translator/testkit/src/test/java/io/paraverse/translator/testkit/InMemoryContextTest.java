package io.paraverse.translator.testkit;

import io.paraverse.translator.IdAllocator;
import io.paraverse.translator.IdMap;
import io.paraverse.translator.TargetTable;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static io.paraverse.translator.testkit.Ops.delete;
import static io.paraverse.translator.testkit.Ops.update;
import static io.paraverse.translator.testkit.Ops.upsert;
import static org.junit.jupiter.api.Assertions.*;

class InMemoryContextTest {
    static final TargetTable PAGE = Ops.table("wiki.page", List.of("page_id", "title", "len"), "page_id");
    static final TargetTable PAGE_LEN = Ops.table("wiki.page", List.of("page_id", "len"), "page_id");
    final InMemoryContext ctx = new InMemoryContext().config("ns", "0").schema("old", "new");

    @Test
    void configAndSchemaMap() {
        assertEquals(Map.of("ns", "0"), ctx.config());
        assertEquals("new", ctx.targetSchema("old"));
        assertEquals("other", ctx.targetSchema("other"));
    }

    @Test
    void idMapsRememberPerName() {
        IdMap m = ctx.idMap("pages");
        m.put("0:Main", 5);
        assertEquals(OptionalLong.of(5), ctx.idMap("pages").get("0:Main"));
        assertEquals(OptionalLong.empty(), ctx.idMap("other").get("0:Main"));
        ctx.idMap("pages").remove("0:Main");
        assertEquals(Map.of(), ctx.idMapEntries("pages"));
    }

    @Test
    void allocatorsStartAboveTheLargestTargetValueOrWhereTold() {
        ctx.targetRow("wiki.page", Map.of("page_id", 41L, "title", "A"));
        ctx.apply(List.of(upsert(PAGE, 7, "B", 1)));
        IdAllocator pages = new IdAllocator("page-id", "wiki.page", "page_id");
        assertEquals(42, ctx.allocate(pages));
        assertEquals(43, ctx.allocate(pages));
        assertEquals(1, ctx.allocate(new IdAllocator("rev-id", "wiki.revision", "rev_id")));
        ctx.nextId("text-id", 1000);
        IdMap texts = ctx.idMap("texts");
        assertEquals(1000, texts.getOrAllocate("t:1", ctx, new IdAllocator("text-id", "wiki.text", "old_id")));
        assertEquals(1000, texts.getOrAllocate("t:1", ctx, new IdAllocator("text-id", "wiki.text", "old_id")));
    }

    @Test
    void lookupsSeeTheOpsAppliedSoFar() {
        assertEquals(Optional.empty(), ctx.lookup(PAGE, List.of(1L)));
        ctx.apply(List.of(upsert(PAGE, 1, "Main", 10)));
        assertEquals(Optional.of(List.of(1L, "Main", 10L)), ctx.lookup(PAGE, List.of(1L)));
        ctx.apply(List.of(update(PAGE_LEN, 1, 12), update(PAGE_LEN, 2, 99))); // the second has no row: writes nothing
        assertEquals(Optional.of(List.of(1L, "Main", 12L)), ctx.lookup(PAGE, List.of(1L)));
        assertEquals(Optional.empty(), ctx.lookup(PAGE, List.of(2L)));
        ctx.apply(List.of(upsert(PAGE_LEN, 1, 13))); // an upsert replaces only its columns
        assertEquals(Optional.of(List.of(1L, "Main", 13L)), ctx.lookup(PAGE, List.of(1)));
        ctx.apply(List.of(upsert(PAGE_LEN, 3, 5)));
        assertEquals(Optional.of(Arrays.asList(3L, null, 5L)), ctx.lookup(PAGE, List.of(3L))); // never written: null
        ctx.apply(List.of(delete(PAGE, 1)));
        assertEquals(Optional.empty(), ctx.lookup(PAGE, List.of(1L)));
        assertEquals(1, ctx.rows("wiki.page").size());
    }

    @Test
    void bytesAndNumbersMatchByValue() {
        TargetTable blobs = Ops.table("s.blobs", List.of("k", "v"), "k");
        ctx.apply(List.of(upsert(blobs, new byte[] {1, 2}, "x")));
        assertEquals("x", ctx.lookup(blobs, List.of(new byte[] {1, 2})).orElseThrow().get(1));
        TargetTable nums = Ops.table("s.nums", List.of("k", "v"), "k");
        ctx.apply(List.of(upsert(nums, new java.math.BigDecimal("1.50"), "y")));
        assertEquals("y", ctx.lookup(nums, List.of(new java.math.BigDecimal("1.5"))).orElseThrow().get(1));
    }
}
