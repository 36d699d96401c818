package io.paraverse.cloud;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A target server the operator prepared ("existing"). The password is given by {@link CredentialRef} and only the
 * reference is persisted. {@link #provision(String)} checks that the server accepts the credentials and that the
 * schemas to be cloned hold no tables, unless {@link Settings#overwrite()} permits it (nothing is ever dropped).
 * Once a migration's state exists, provision only reconnects: the tables are then that migration's own.
 * {@link #teardown(String)} leaves the server alone and forgets the state.
 */
public final class ExistingProvisioner implements Provisioner {
    public static final String KIND = "existing";
    /** Never checked when no schema list is given: they are not cloned. */
    public static final List<String> SYSTEM_SCHEMAS =
            List.of("mysql", "information_schema", "performance_schema", "sys", "paraverse");
    private static final Logger log = LoggerFactory.getLogger(ExistingProvisioner.class);
    private static final Pattern URL = Pattern.compile("jdbc:(mariadb|mysql)://([^/?]*)(.*)", Pattern.CASE_INSENSITIVE);

    /**
     * The operator's server: a {@code jdbc:mariadb://} or {@code jdbc:mysql://host:port/} URL (one host, no password
     * in it), a user, the password's reference, the schemas to be cloned (empty: every non-system schema) and
     * whether tables already in them are permitted.
     */
    public record Settings(String jdbcUrl, String user, CredentialRef password, List<String> schemas, boolean overwrite) {
        public Settings {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            schemas = List.copyOf(schemas == null ? List.of() : schemas);
            parseUrl(jdbcUrl);
        }

        public Settings(String jdbcUrl, String user, CredentialRef password) {
            this(jdbcUrl, user, password, List.of(), false);
        }

        public Settings withSchemas(List<String> names) { return new Settings(jdbcUrl, user, password, names, overwrite); }

        public Settings withOverwrite(boolean allow) { return new Settings(jdbcUrl, user, password, schemas, allow); }
    }

    /** Host, port and the URL as Connector/J MariaDB takes it (jdbc:mysql: becomes jdbc:mariadb:). */
    record Address(String host, int port, String jdbcUrl) {
        String display() { return (host.contains(":") ? "[" + host + "]" : host) + ":" + port; }
    }

    private final ProvisionerStateStore store;
    private final Settings settings;

    /** Without settings: can only find, reconnect to or tear down migrations whose state exists. */
    public ExistingProvisioner(Path stateDir) {
        this(stateDir, null);
    }

    public ExistingProvisioner(Path stateDir, Settings settings) {
        this.store = new ProvisionerStateStore(stateDir);
        this.settings = settings;
    }

    @Override
    public String kind() { return KIND; }

    public ProvisionerStateStore stateStore() { return store; }

    @Override
    public synchronized ProvisionedServer provision(String migrationId) {
        ProvisionerStateStore.checkMigrationId(migrationId);
        Optional<ProvisionerState> persisted = store.load(migrationId);
        if (persisted.isPresent()) {
            return reconnect(persisted.get());
        }
        if (settings == null) {
            throw new ProvisioningException("no existing target configured for migration " + migrationId
                    + ": give its JDBC URL, user and password reference");
        }
        Address address = parseUrl(settings.jdbcUrl());
        String password = settings.password().resolve();
        Map<String, String> details = new LinkedHashMap<>();
        try (Connection c = connect(address, settings.user(), password)) {
            details.put("version", version(c));
            if (!settings.overwrite()) {
                refuseNonEmpty(c, address);
            }
        } catch (SQLException e) {
            throw new ProvisioningException("checking existing target " + address.display() + ": "
                    + redact(e.getMessage(), password), e);
        }
        details.put("credentialRef", settings.password().toString());
        details.put("schemas", settings.schemas().isEmpty() ? "(all non-system)" : String.join(",", settings.schemas()));
        details.put("overwrite", String.valueOf(settings.overwrite()));
        ProvisionerState state = new ProvisionerState(migrationId, KIND, address.host(), address.port(),
                settings.user(), address.jdbcUrl(), settings.password(), details);
        store.save(state);
        log.info("migration {}: existing target {} ({})", migrationId, address.display(), details.get("version"));
        return describe(state, password);
    }

    private ProvisionedServer reconnect(ProvisionerState state) {
        if (!KIND.equals(state.kind())) {
            throw new ProvisioningException("migration " + state.migrationId() + " was provisioned by the '"
                    + state.kind() + "' provisioner, not '" + KIND + "'; see " + store.stateFile(state.migrationId()));
        }
        Address address = new Address(state.host(), state.port(), state.jdbcUrl());
        if (settings != null) {
            Address configured = parseUrl(settings.jdbcUrl());
            if (!configured.jdbcUrl().equals(state.jdbcUrl()) || !settings.user().equals(state.user())) {
                throw new ProvisioningException("migration " + state.migrationId() + " runs on " + address.display()
                        + " as " + state.user() + ", but " + configured.display() + " as " + settings.user()
                        + " is configured; tear the migration down to change its target");
            }
            if (!settings.password().equals(state.credentialRef())) { // a moved secret, same server
                Map<String, String> details = new LinkedHashMap<>(state.details());
                details.put("credentialRef", settings.password().toString());
                state = new ProvisionerState(state.migrationId(), KIND, state.host(), state.port(), state.user(),
                        state.jdbcUrl(), settings.password(), details);
                store.save(state);
            }
        }
        String password = state.credentialRef().resolve();
        try (Connection c = connect(address, state.user(), password)) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new ProvisioningException("checking existing target " + address.display() + ": "
                    + redact(e.getMessage(), password), e);
        }
        return describe(state, password);
    }

    @Override
    public synchronized Optional<ProvisionedServer> find(String migrationId) {
        return store.load(migrationId).filter(s -> KIND.equals(s.kind()))
                .map(s -> describe(s, s.credentialRef().resolve()));
    }

    /** Forgets the state; the server and its data are the operator's and stay as they are. */
    @Override
    public synchronized void teardown(String migrationId) {
        store.delete(migrationId);
    }

    private static ProvisionedServer describe(ProvisionerState s, String password) {
        return new ProvisionedServer(KIND, s.host(), s.port(), s.user(), password, s.jdbcUrl(), s.details());
    }

    private void refuseNonEmpty(Connection c, Address address) throws SQLException {
        List<String> schemas = settings.schemas();
        List<String> names = schemas.isEmpty() ? SYSTEM_SCHEMAS : schemas;
        String marks = String.join(",", java.util.Collections.nCopies(names.size(), "?"));
        String sql = "SELECT TABLE_SCHEMA, COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA "
                + (schemas.isEmpty() ? "NOT IN" : "IN") + " (" + marks + ") GROUP BY TABLE_SCHEMA ORDER BY TABLE_SCHEMA";
        List<String> nonEmpty = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < names.size(); i++) {
                ps.setString(i + 1, names.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(2);
                    nonEmpty.add("schema `" + rs.getString(1) + "` has " + n + (n == 1 ? " table" : " tables"));
                }
            }
        }
        if (!nonEmpty.isEmpty()) {
            throw new ProvisioningException("existing target " + address.display() + " is not empty: "
                    + String.join(", ", nonEmpty) + ". Pass overwrite=true to use it anyway (nothing is dropped;"
                    + " cloned tables must not clash with these)");
        }
    }

    private static Connection connect(Address address, String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5000");
        try {
            return DriverManager.getConnection(address.jdbcUrl(), p);
        } catch (SQLException e) {
            throw new ProvisioningException("cannot connect to existing target " + address.display() + " as user '"
                    + user + "': " + redact(e.getMessage(), password), e);
        }
    }

    private static String version(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Driver messages should not hold the password; this makes sure. */
    static String redact(String message, String password) {
        if (message == null) {
            return "";
        }
        return password == null || password.isEmpty() ? message : message.replace(password, "****");
    }

    static Address parseUrl(String url) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("existing target URL must look like jdbc:mariadb://host:port/ or"
                    + " jdbc:mysql://host:port/, got " + url);
        }
        String authority = m.group(2);
        String rest = m.group(3);
        if (authority.isEmpty() || authority.contains(",") || authority.contains("@") || authority.contains("(")) {
            throw new IllegalArgumentException("existing target URL must name exactly one host:port: " + url);
        }
        int q = rest.indexOf('?');
        if (q >= 0) {
            for (String param : rest.substring(q + 1).split("&")) {
                String key = param.split("=", 2)[0].toLowerCase(Locale.ROOT);
                if (key.equals("password") || key.equals("pwd") || key.startsWith("password")) {
                    // the URL goes into the state file: the secret must come by reference only
                    throw new IllegalArgumentException("existing target URL must not carry a password; give it as"
                            + " a credential reference (env:VAR or file:/path)");
                }
            }
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("existing target URL has an unclosed IPv6 address: " + url);
            }
            host = authority.substring(1, end);
            if (authority.length() > end + 1) {
                if (authority.charAt(end + 1) != ':') {
                    throw new IllegalArgumentException("existing target URL has a malformed host:port: " + url);
                }
                portText = authority.substring(end + 2);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        int port;
        try {
            port = portText == null ? 3306 : Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("existing target URL has a malformed port: " + url);
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("existing target URL has a malformed host:port: " + url);
        }
        return new Address(host, port, "jdbc:mariadb://" + authority + (rest.startsWith("/") ? rest : "/" + rest));
    }
}
