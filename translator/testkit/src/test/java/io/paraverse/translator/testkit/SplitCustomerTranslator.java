package io.paraverse.translator.testkit;

import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.IdAllocator;
import io.paraverse.translator.IdMap;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The sample translator the kit tests itself with. Splits {@code shop.customer(id, name, street, city)} into
 * {@code customer(id, name)} and {@code address(address_id, customer_id, street, city)} (address ids are new:
 * allocated, and remembered per customer in an id map), and keeps {@code city_count(city, customers)} up to date
 * from lookups of its current value.
 */
final class SplitCustomerTranslator extends AbstractTranslator {
    static final String ADDRESS_IDS = "customer-address";

    @Override
    public Set<String> sourceTables() {
        return Set.of("shop.customer");
    }

    static TargetTable customer(String schema) {
        return new TargetTable(schema, "customer", List.of("id", "name"), List.of("id"));
    }

    static TargetTable address(String schema) {
        return new TargetTable(schema, "address", List.of("address_id", "customer_id", "street", "city"), List.of("address_id"));
    }

    static TargetTable addressLocation(String schema) {
        return new TargetTable(schema, "address", List.of("address_id", "street", "city"), List.of("address_id"));
    }

    static TargetTable cityCount(String schema) {
        return new TargetTable(schema, "city_count", List.of("city", "customers"), List.of("city"));
    }

    @Override
    public List<TargetOp> translate(RowChange c, TranslationContext ctx) {
        String schema = ctx.targetSchema(c.table().schema());
        List<TargetOp> ops = new ArrayList<>();
        Map<String, Integer> cities = new LinkedHashMap<>(); // net change of each city's count
        if (c.op() == RowChange.Op.UPDATE && Objects.equals(c.before("id"), c.after("id"))) {
            long id = (Long) c.after("id");
            if (!Objects.equals(c.before("name"), c.after("name"))) {
                ops.add(new TargetOp.Update(customer(schema), List.of(id, c.after("name"))));
            }
            if (!Objects.equals(c.before("street"), c.after("street")) || !Objects.equals(c.before("city"), c.after("city"))) {
                long addressId = ctx.idMap(ADDRESS_IDS).get("c:" + id).orElseThrow();
                ops.add(new TargetOp.Update(addressLocation(schema), java.util.Arrays.asList(addressId, c.after("street"), c.after("city"))));
                count(cities, c.before("city"), -1);
                count(cities, c.after("city"), +1);
            }
            return counts(ops, cities, ctx, schema);
        }
        if (c.hasBefore()) { // delete, or the old key of an update that changes it
            long id = (Long) c.before("id");
            IdMap ids = ctx.idMap(ADDRESS_IDS);
            ops.add(new TargetOp.Delete(customer(schema), List.of(id)));
            ops.add(new TargetOp.Delete(address(schema), List.of(ids.get("c:" + id).orElseThrow())));
            ids.remove("c:" + id);
            count(cities, c.before("city"), -1);
        }
        if (c.hasAfter()) {
            long id = (Long) c.after("id");
            long addressId = ctx.idMap(ADDRESS_IDS).getOrAllocate("c:" + id, ctx,
                    new IdAllocator("address-id", schema + ".address", "address_id"));
            ops.add(new TargetOp.Upsert(customer(schema), java.util.Arrays.asList(id, c.after("name"))));
            ops.add(new TargetOp.Upsert(address(schema), java.util.Arrays.asList(addressId, id, c.after("street"), c.after("city"))));
            count(cities, c.after("city"), +1);
        }
        return counts(ops, cities, ctx, schema);
    }

    private static void count(Map<String, Integer> cities, Object city, int delta) {
        if (city != null) {
            cities.merge((String) city, delta, Integer::sum);
        }
    }

    /** Writes each changed city's count: its value on the target after the earlier changes, plus the net delta. */
    private static List<TargetOp> counts(List<TargetOp> ops, Map<String, Integer> cities, TranslationContext ctx, String schema) {
        TargetTable t = cityCount(schema);
        cities.forEach((city, delta) -> {
            if (delta != 0) {
                long n = ctx.lookup(t, List.of(city)).map(r -> (Long) r.get(1)).orElse(0L) + delta;
                ops.add(n == 0 ? new TargetOp.Delete(t, List.of(city)) : new TargetOp.Upsert(t, List.of(city, n)));
            }
        });
        return ops;
    }
}
