package io.paraverse.e2e;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.check.TranslateCheck;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * translate-check against a real upgrade: `customer` is split into `client` + `address` by an upgrade script on the
 * clone; a translator that agrees with it passes, translators that disagree are reported per table, key and column.
 */
class TranslateCheckTest {
    private static MariaDbServer clone;

    @TempDir
    Path work;

    @BeforeAll
    static void prepare() throws Exception {
        clone = MariaDbServer.start(MariaDbOptions.target("tcheck"));
        clone.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.customer (id INT PRIMARY KEY, name VARCHAR(80) NOT NULL, email VARCHAR(120), city VARCHAR(60))",
                "INSERT INTO shop.customer SELECT seq, CONCAT('Kund ', seq, ' Ö'), IF(seq % 10 = 0, NULL, CONCAT('K', seq, '@Example.org')),"
                        + " ELT(1 + seq % 3, 'Malmö', 'Lund', 'Ystad') FROM mysql.seq_1_to_500");
        Endpoint ep = endpoint();
        TranslateCheck.snapshotOldTables(ep, "shop", "check_old", List.of("customer"));
        // the application's upgrade, run on the clone
        clone.execute("CREATE TABLE shop.client (client_id INT PRIMARY KEY, full_name VARCHAR(80) NOT NULL, email VARCHAR(120))",
                "CREATE TABLE shop.address (client_id INT PRIMARY KEY, city VARCHAR(60))",
                "INSERT INTO shop.client SELECT id, name, LOWER(email) FROM shop.customer",
                "INSERT INTO shop.address SELECT id, city FROM shop.customer WHERE city IS NOT NULL",
                "DROP TABLE shop.customer");
    }

    @AfterAll
    static void stop() {
        if (clone != null) clone.close();
    }

    private static Endpoint endpoint() {
        return new Endpoint("127.0.0.1", clone.port(), "root", clone.password());
    }

    /** The translation the upgrade implies; {@code bug} makes it disagree on purpose. */
    public static final class SplitCustomer extends AbstractTranslator {
        private final String bug;

        public SplitCustomer(String bug) {
            this.bug = bug;
        }

        @Override
        public Set<String> sourceTables() {
            return Set.of("shop.customer");
        }

        @Override
        public List<TargetOp> translate(RowChange c, TranslationContext ctx) {
            String schema = ctx.targetSchema("shop");
            TargetTable client = new TargetTable(schema, "client", List.of("client_id", "full_name", "email"), List.of("client_id"));
            TargetTable address = new TargetTable(schema, "address", List.of("client_id", "city"), List.of("client_id"));
            Object id = c.after("id");
            String email = (String) c.after("email");
            if (!bug.equals("email-case") && email != null) {
                email = email.toLowerCase(java.util.Locale.ROOT);
            }
            TargetOp a = new TargetOp.Upsert(client, java.util.Arrays.asList(id, c.after("name"), email));
            if (c.after("city") == null || bug.equals("no-address")) {
                return List.of(a);
            }
            return List.of(a, new TargetOp.Upsert(address, List.of(id, c.after("city"))));
        }
    }

    private TranslateCheck.Result check(String bug) throws Exception {
        return TranslateCheck.run(new TranslateCheck.Config("t_" + bug.replace('-', '_'), endpoint(), "check_old", "shop", List.of("customer"),
                "shop", new SplitCustomer(bug), Map.of(),
                List.of(new TranslateCheck.Compare("client", List.of("client_id"), Set.of()),
                        new TranslateCheck.Compare("address", List.of("client_id"), Set.of())),
                work, false));
    }

    @Test
    void aTranslatorThatAgreesWithTheUpgradePasses() throws Exception {
        TranslateCheck.Result r = check("none");
        assertEquals(500, r.rowsTranslated());
        assertTrue(r.equal(), r.tables().toString());
        assertEquals(500, r.tables().get(0).rightRows());
    }

    @Test
    void aDisagreementIsReportedByTableKeyAndColumn() throws Exception {
        TranslateCheck.Result r = check("email-case");
        assertFalse(r.equal());
        var client = r.tables().get(0);
        assertEquals(450, client.differing(), client.toString());
        assertTrue(client.examples().get(0).contains("email: translated 'K"), client.examples().toString());
        assertTrue(r.tables().get(1).equal(), "address agrees: " + r.tables().get(1));
    }

    @Test
    void rowsTheTranslatorNeverWritesAreReportedAsOnlyUpgraded() throws Exception {
        TranslateCheck.Result r = check("no-address");
        var address = r.tables().get(1);
        assertEquals(500, address.onlyRight(), address.toString());
        assertEquals(0, address.leftRows());
        assertEquals(0L, count("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'paraverse\\_check\\_%'"),
                "scratch schemas are dropped");
    }

    @Test
    void aDeclarativeMappingIsCheckedTooAndItsMissingLowercaseShows() throws Exception {
        java.nio.file.Path yaml = work.resolve("split.yaml");
        java.nio.file.Files.writeString(yaml, String.join("\n",
                "tables:",
                "  - source: shop.customer",
                "    targets:",
                "      - table: shop.client",
                "        copy: none",
                "        columns: {client_id: id, full_name: name, email: email}",
                "      - table: shop.address",
                "        copy: none",
                "        columns: {client_id: id, city: city}",
                "        where: {column: city, is_not_null: true}",
                ""));
        io.paraverse.translator.mapping.MappingTranslator mapping;
        // validated against the old schema (production's; here a stand-in shaped like the kept copy) and the upgraded one
        clone.execute("CREATE TABLE shop.customer LIKE check_old.customer");
        try (var c = clone.connect("")) {
            mapping = io.paraverse.translator.mapping.MappingFile.parse(yaml).validate(c, c);
        } finally {
            clone.execute("DROP TABLE shop.customer");
        }
        TranslateCheck.Result r = TranslateCheck.run(new TranslateCheck.Config("t_mapping", endpoint(), "check_old", "shop",
                List.of("customer"), "shop", mapping, Map.of(),
                List.of(new TranslateCheck.Compare("client", List.of("client_id"), Set.of()),
                        new TranslateCheck.Compare("address", List.of("client_id"), Set.of())),
                work, false));
        assertTrue(r.tables().get(1).equal(), r.tables().get(1).toString());
        assertEquals(450, r.tables().get(0).differing(), "the upgrade lowercases e-mails; the mapping does not: " + r.tables().get(0));
    }

    @Test
    void theCommandFindsTheTranslatorByNameAndExitsByTheVerdict() throws Exception {
        Path pw = work.resolve("clone.pw");
        java.nio.file.Files.writeString(pw, clone.password());
        String[] common = {"translate-check", "--name", "cli", "--clone", "127.0.0.1:" + clone.port(), "--clone-user", "root",
                "--clone-password-file", pw.toString(), "--schema", "shop", "--tables", "customer", "--snapshot-schema", "check_old",
                "--translator", "split-customer", "--work-dir", work.toString(), "--json"};
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(errors, true, java.nio.charset.StandardCharsets.UTF_8));
        int agree;
        int byName;
        try {
            System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            agree = io.paraverse.daemon.Main.commandLine().execute(concat(common, "--compare", "client:client_id", "--compare", "address:client_id"));
            // rows matched by a natural key instead of the id, one column left out of the comparison
            byName = io.paraverse.daemon.Main.commandLine().execute(concat(common, "--compare", "client:full_name:ignore=email"));
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
        String out = captured.toString(java.nio.charset.StandardCharsets.UTF_8) + errors.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, agree, out);
        assertTrue(out.contains("\"equal\" : true"), out);
        assertEquals(0, byName, "matched by a natural key (unique names) with a column ignored, they agree too: " + out);
        assertFalse(out.contains(clone.password()));
        int usage = io.paraverse.daemon.Main.commandLine().execute(concat(common, "--compare", "client"));
        assertEquals(1, usage, "a malformed --compare is reported as a failed command");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long count(String sql) throws Exception {
        try (var c = clone.connect(""); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
