package io.paraverse.translator.testkit;

import io.paraverse.translator.TargetTable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.paraverse.translator.testkit.Changes.row;
import static io.paraverse.translator.testkit.Ops.delete;
import static io.paraverse.translator.testkit.Ops.update;
import static io.paraverse.translator.testkit.Ops.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a translator author tests with the kit: no database, ids and lookups from the in-memory context. */
class SplitCustomerTranslatorTest {
    static final Changes CUSTOMERS = Changes.table("shop.customer")
            .columns("id BIGINT", "name VARCHAR", "street VARCHAR", "city VARCHAR").key("id");
    static final TargetTable CUSTOMER = Ops.table("shop2.customer", List.of("id", "name"), "id");
    static final TargetTable ADDRESS = Ops.table("shop2.address", List.of("address_id", "customer_id", "street", "city"), "address_id");
    static final TargetTable LOCATION = Ops.table("shop2.address", List.of("address_id", "street", "city"), "address_id");
    static final TargetTable CITY_COUNT = Ops.table("shop2.city_count", List.of("city", "customers"), "city");

    final TranslatorRunner run = TranslatorRunner.of(new SplitCustomerTranslator(),
            new InMemoryContext().schema("shop", "shop2").nextId("address-id", 100));

    @Test
    void insertSplitsTheRowAllocatesAnAddressIdAndCountsTheCity() {
        run.expect(CUSTOMERS.insert(1, "Ann", "Main St 1", "Oslo"),
                upsert(CUSTOMER, 1, "Ann"), upsert(ADDRESS, 100, 1, "Main St 1", "Oslo"), upsert(CITY_COUNT, "Oslo", 1));
        run.expect(CUSTOMERS.insert(2, "Bob", "Side St 2", "Oslo"),
                upsert(CUSTOMER, 2, "Bob"), upsert(ADDRESS, 101, 2, "Side St 2", "Oslo"), upsert(CITY_COUNT, "Oslo", 2));
        assertEquals(Map.of("c:1", 100L, "c:2", 101L), run.context().idMapEntries(SplitCustomerTranslator.ADDRESS_IDS));
    }

    @Test
    void updatesWriteOnlyWhatChangedAndMoveTheCount() {
        run.translateAll(CUSTOMERS.insert(1, "Ann", "Main St 1", "Oslo"), CUSTOMERS.insert(2, "Bob", "Side St 2", "Oslo"));
        run.expect(CUSTOMERS.update(row(1, "Ann", "Main St 1", "Oslo"), row(1, "Anne", "Main St 1", "Oslo")),
                update(CUSTOMER, 1, "Anne"));
        run.expect(CUSTOMERS.update(row(2, "Bob", "Side St 2", "Oslo"), row(2, "Bob", "Via 3", "Rome")),
                update(LOCATION, 101, "Via 3", "Rome"), upsert(CITY_COUNT, "Oslo", 1), upsert(CITY_COUNT, "Rome", 1));
        assertEquals(List.of(Map.of("city", "Oslo", "customers", 1L), Map.of("city", "Rome", "customers", 1L)),
                run.context().rows("shop2.city_count"));
    }

    @Test
    void deleteRemovesBothRowsAndForgetsTheAddressId() {
        run.translate(CUSTOMERS.insert(1, "Ann", "Main St 1", "Oslo"));
        run.expect(CUSTOMERS.delete(1, "Ann", "Main St 1", "Oslo"),
                delete(CUSTOMER, 1), delete(ADDRESS, 100), delete(CITY_COUNT, "Oslo"));
        assertEquals(Map.of(), run.context().idMapEntries(SplitCustomerTranslator.ADDRESS_IDS));
        assertEquals(List.of(), run.context().rows("shop2.address"));
    }

    @Test
    void keyChangeMovesTheCustomerToANewAddressIdAndKeepsTheCount() {
        run.translate(CUSTOMERS.insert(1, "Ann", "Main St 1", "Oslo"));
        run.expect(CUSTOMERS.update(row(1, "Ann", "Main St 1", "Oslo"), row(7, "Ann", "Main St 1", "Oslo")),
                delete(CUSTOMER, 1), delete(ADDRESS, 100), upsert(CUSTOMER, 7, "Ann"), upsert(ADDRESS, 101, 7, "Main St 1", "Oslo"));
        assertEquals(List.of(Map.of("city", "Oslo", "customers", 1L)), run.context().rows("shop2.city_count"));
    }
}
