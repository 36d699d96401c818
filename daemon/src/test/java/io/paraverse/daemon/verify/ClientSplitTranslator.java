package io.paraverse.daemon.verify;

import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.IdAllocator;
import io.paraverse.translator.IdMap;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * For the tests: {@code vshop.customer(id, name, email, city)} becomes {@code vshop.client(client_id, legacy_id,
 * full_name, email)} with a new id from a persistent id map, and {@code vshop.address(client_id, city)} for customers
 * with a city.
 */
final class ClientSplitTranslator extends AbstractTranslator {
    static final IdAllocator CLIENT_IDS = new IdAllocator("client", "vshop.client", "client_id");

    ClientSplitTranslator() {
        super("vshop.customer");
    }

    @Override
    public List<TargetOp> translate(RowChange c, TranslationContext ctx) {
        String schema = ctx.targetSchema("vshop");
        TargetTable client = new TargetTable(schema, "client", List.of("client_id", "legacy_id", "full_name", "email"), List.of("client_id"));
        TargetTable address = new TargetTable(schema, "address", List.of("client_id", "city"), List.of("client_id"));
        IdMap ids = ctx.idMap("client");
        if (c.op() == RowChange.Op.DELETE) {
            String key = "c:" + c.before("id");
            OptionalLong id = ids.get(key);
            if (id.isEmpty()) {
                return List.of();
            }
            ids.remove(key);
            return List.of(new TargetOp.Delete(client, List.of(id.getAsLong())), new TargetOp.Delete(address, List.of(id.getAsLong())));
        }
        long id = ids.getOrAllocate("c:" + c.after("id"), ctx, CLIENT_IDS);
        List<TargetOp> ops = new ArrayList<>();
        ops.add(new TargetOp.Upsert(client, Arrays.asList(id, c.after("id"), c.after("name"), c.after("email"))));
        Object city = c.after("city");
        ops.add(city == null ? new TargetOp.Delete(address, List.of(id)) : new TargetOp.Upsert(address, List.of(id, city)));
        return ops;
    }
}
