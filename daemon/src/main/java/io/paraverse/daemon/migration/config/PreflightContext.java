package io.paraverse.daemon.migration.config;

import io.paraverse.capture.CaptureConfig;
import io.paraverse.capture.PreflightCheck;
import io.paraverse.capture.SourcePreflight;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What the preflight checks share: the config, credentials resolved once, one read-only connection to the source and
 * (existing targets) one to the target, and the capture preflight's results. Opening a connection is the only thing
 * done to the servers; nothing is written anywhere.
 */
final class PreflightContext implements AutoCloseable {
    final MigrationConfig config;
    private String sourcePassword;
    private String sourcePasswordError;
    private String targetPassword;
    private String targetPasswordError;
    private Connection source;
    private String sourceError;
    private Connection target;
    private String targetError;
    private boolean sourceTried;
    private boolean targetTried;
    private List<PreflightCheck> capture;

    PreflightContext(MigrationConfig config) {
        this.config = config;
        try {
            sourcePassword = config.source().passwordRef().resolve();
        } catch (IllegalArgumentException e) {
            sourcePasswordError = e.getMessage();
        }
        if (isExisting()) {
            try {
                targetPassword = config.target().passwordRef().resolve();
            } catch (IllegalArgumentException e) {
                targetPasswordError = e.getMessage();
            }
        }
    }

    boolean isExisting() {
        return config.target().kind() == MigrationConfig.Target.Kind.EXISTING;
    }

    String sourcePasswordError() { return sourcePasswordError; }

    String targetPasswordError() { return targetPasswordError; }

    /** The source connection, or empty (then {@link #sourceError()} says why). */
    Optional<Connection> source() {
        if (!sourceTried) {
            sourceTried = true;
            if (sourcePasswordError != null) {
                sourceError = "not checked: the source password cannot be resolved";
            } else {
                try {
                    source = connect(config.source().jdbcUrl(), config.source().user(), sourcePassword);
                } catch (SQLException e) {
                    sourceError = "cannot connect to " + config.source().address() + " as user " + config.source().user()
                            + ": " + redact(e.getMessage(), sourcePassword);
                }
            }
        }
        return Optional.ofNullable(source);
    }

    String sourceError() { return sourceError; }

    /** The existing target's connection, or empty (then {@link #targetError()} says why). */
    Optional<Connection> target() {
        if (!targetTried && isExisting()) {
            targetTried = true;
            if (targetPasswordError != null) {
                targetError = "not checked: the target password cannot be resolved";
            } else {
                String url = config.target().effectiveJdbcUrl().replaceFirst("(?i)^jdbc:mysql:", "jdbc:mariadb:");
                try {
                    target = connect(url, config.target().user(), targetPassword);
                } catch (SQLException e) {
                    targetError = "cannot connect to " + url + " as user " + config.target().user() + ": "
                            + redact(e.getMessage(), targetPassword);
                }
            }
        }
        return Optional.ofNullable(target);
    }

    String targetError() { return targetError; }

    /** The capture's own source checks ({@link SourcePreflight}), run once with the migration's include list. */
    List<PreflightCheck> captureChecks() {
        if (capture == null) {
            Connection c = source().orElseThrow();
            CaptureConfig cc = CaptureConfig.builder().host(config.source().host()).port(config.source().portOrDefault())
                    .user(config.source().user()).password(sourcePassword)
                    .include(config.cloneOrDefault().includeList()).build();
            capture = new ArrayList<>(SourcePreflight.check(c, cc, null));
        }
        return capture;
    }

    Optional<PreflightCheck> captureCheck(String name) {
        return captureChecks().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password == null ? "" : password);
        p.setProperty("connectTimeout", "5000");
        Connection c = DriverManager.getConnection(url, p);
        c.setReadOnly(true);
        return c;
    }

    static String redact(String message, String secret) {
        if (message == null) {
            return "";
        }
        return secret == null || secret.isEmpty() ? message : message.replace(secret, "****");
    }

    /** The path itself if it exists, else its nearest existing ancestor (what would hold it once created). */
    static Path existingAncestor(Path p) {
        Path cur = p.toAbsolutePath().normalize();
        while (cur != null && !Files.exists(cur)) {
            cur = cur.getParent();
        }
        return cur;
    }

    @Override
    public void close() {
        for (Connection c : new Connection[] {source, target}) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // read-only, nothing to lose
                }
            }
        }
    }
}
