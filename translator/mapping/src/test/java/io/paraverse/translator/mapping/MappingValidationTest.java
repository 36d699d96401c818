package io.paraverse.translator.mapping;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Parse and validation problems, each with file:line:column, against real source and target schemas. */
class MappingValidationTest {

    private static List<String> problems(MappingException e) {
        return e.problems().stream().map(Object::toString).toList();
    }

    @Test
    void schemaProblemsAreReportedTogetherWithTheirPlaces() {
        String yaml = String.join("\n",
                "tables:",                                                   // 1
                "  - source: shop.customer",                                 // 2 unknown source table
                "    target: shop2.clients",                                 // 3
                "  - source: shop.orders",                                   // 4
                "    target: shop2.orderz",                                  // 5 unknown target table
                "  - source: shop.users",                                    // 6
                "    targets:",                                              // 7
                "      - table: shop2.accounts",                             // 8 NOT NULL login without value
                "        copy: none",                                        // 9
                "        columns:",                                          // 10
                "          id: idd",                                         // 11 unknown source column
                "          nick: login",                                     // 12 unknown target column
                "      - table: shop2.profiles",                             // 13 key user_id not produced
                "        copy: none",                                        // 14
                "        columns:",                                          // 15
                "          bio: {from: score, convert: unix_seconds}",       // 16 impossible: DOUBLE unix_seconds
                "          score: {from: bio, charset: klingon}",            // 17 unknown charset
                "        where: {column: id, in: [1, two]}",                 // 18 'two' not an int
                "");
        MappingException e = assertThrows(MappingException.class, () -> TestServers.translator("bad.yaml", yaml));
        assertEquals(List.of(
                "bad.yaml:2:13: unknown source table shop.customer (not in the source's information_schema)",
                "bad.yaml:5:13: unknown target table shop2.orderz (not in the target's information_schema)",
                "bad.yaml:8:16: target column shop2.accounts.login is NOT NULL without a default and gets no value from the"
                        + " mapping: map it under columns: (from: or value:)",
                "bad.yaml:11:15: unknown source column idd in shop.users",
                "bad.yaml:12:11: unknown target column nick in shop2.accounts",
                "bad.yaml:13:16: primary-key column shop2.profiles.user_id gets no value from the mapping",
                "bad.yaml:16:39: cannot convert source column shop.users.score (double) to target column shop2.profiles.bio"
                        + " (text): unix_seconds reads an integer; score is double",
                "bad.yaml:17:39: cannot convert source column shop.users.bio (text) to target column shop2.profiles.score"
                        + " (varchar(30)): unknown character set 'klingon'",
                "bad.yaml:18:37: 'two' is not a value for shop.users.id (bigint(20)): 'two' is not an integer"),
                problems(e));
        assertEquals("9 problems in mapping bad.yaml:", e.getMessage().lines().findFirst().orElseThrow());
    }

    @Test
    void impossibleConversionsNullabilityCopiesAndConstants() {
        String yaml = String.join("\n",
                "tables:",                                                   // 1
                "  - source: shop.customers",                                // 2
                "    target: shop2.clients",                                 // 3 legacy has no target column; zip→... ok
                "    columns:",                                              // 4
                "      client_id: legacy",                                   // 5 blob → bigint impossible
                "      email: email",                                        // 6 nullable → NOT NULL, no default
                "      created_at: created",                                 // 7 int → datetime needs convert
                "      tier: {value: null}",                                 // 8 NOT NULL constant null
                "      zip: {from: zip, default: zero}",                     // 9 default not an int
                "");
        MappingException e = assertThrows(MappingException.class, () -> TestServers.translator("bad2.yaml", yaml));
        assertEquals(List.of(
                "bad2.yaml:3:13: source column shop.customers.id has no column of that name in shop2.clients: map it"
                        + " under columns:, list it under drop:, or set copy: none",
                "bad2.yaml:5:7: cannot convert source column shop.customers.legacy (blob) to target column"
                        + " shop2.clients.client_id (bigint(20)): blob cannot be converted to bigint(20)",
                "bad2.yaml:6:7: target column shop2.clients.email is NOT NULL but source column shop.customers.email can be"
                        + " NULL: add default: (the value for NULL)",
                "bad2.yaml:7:7: cannot convert source column shop.customers.created (int(11)) to target column"
                        + " shop2.clients.created_at (datetime): an integer is not a date and time; if it holds unix time,"
                        + " add convert: unix_seconds (or unix_millis)",
                "bad2.yaml:8:21: target column shop2.clients.tier is NOT NULL; the constant cannot be null",
                "bad2.yaml:9:33: 'zero' is not a value for shop2.clients.zip (int(11)): 'zero' is not an integer"),
                problems(e));
    }

    @Test
    void yamlSyntaxErrorHasItsPlace() {
        String yaml = "tables:\n  - source: shop.users\n    target: [shop2.accounts\n";
        MappingException e = assertThrows(MappingException.class, () -> MappingFile.parse("syntax.yaml", yaml));
        assertEquals(1, e.problems().size());
        assertEquals("syntax.yaml", e.problems().get(0).file());
        assertEquals(4, e.problems().get(0).line(), e.getMessage());
    }

    @Test
    void unknownKeysAndShapeProblems() {
        String yaml = String.join("\n",
                "tables:",                                                   // 1
                "  - source: shop.users",                                    // 2
                "    target: shop2.accounts",                                // 3
                "    colums:",                                               // 4 typo
                "      id: id",                                              // 5
                "  - source: users",                                         // 6 no schema
                "    target: shop2.profiles",                                // 7
                "    copy: some",                                            // 8
                "    columns:",                                              // 9
                "      user_id: {from: id, value: 3}",                       // 10
                "      bio: {frm: bio}",                                     // 11 typo
                "    where: {column: bio, equals: x, in: [y]}",              // 12 two ops
                "  - target: shop2.profiles",                                // 13 no source
                "");
        MappingException e = assertThrows(MappingException.class, () -> MappingFile.parse("keys.yaml", yaml));
        assertEquals(List.of(
                "keys.yaml:4:5: unknown key 'colums' in a tables: entry (did you mean 'columns'?); expected one of columns,"
                        + " copy, drop, source, target, targets, where",
                "keys.yaml:6:13: source table users needs its schema: schema.table",
                "keys.yaml:8:11: copy: is all (columns not mentioned are copied by name) or none, not some",
                "keys.yaml:10:27: column user_id has both from: and value:; a constant takes no source column",
                "keys.yaml:11:13: unknown key 'frm' in column bio (did you mean 'from'?); expected one of charset, convert,"
                        + " default, from, value",
                "keys.yaml:11:12: column bio needs from: (a source column) or value: (a constant)",
                "keys.yaml:12:12: a where: test has column: and exactly one of equals, not_equals, in, not_in, is_null,"
                        + " is_not_null (found equals, in)",
                "keys.yaml:13:5: missing source: in a tables: entry"),
                problems(e));
    }
}
