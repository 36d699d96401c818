package io.paraverse.daemon.cutover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the application's accounts (with their password hashes and grants) from production to the clone before the
 * switch: the clone was made from the application's schemas, not from {@code mysql.*}, and clients moved to it must
 * log in as before. Passwords travel as the hashes SHOW CREATE USER prints, never in clear. Grants on tables the
 * upgrade removed cannot exist on the clone; they are reported, not silently dropped.
 */
public final class ApplicationAccounts {
    private ApplicationAccounts() { }

    /** The accounts of {@code spec} ("user" = every host it has on production, or "user@host"). */
    static List<String> accounts(Connection production, String spec) throws SQLException {
        List<String> out = new ArrayList<>();
        String user = spec.contains("@") ? spec.substring(0, spec.indexOf('@')) : spec;
        String host = spec.contains("@") ? spec.substring(spec.indexOf('@') + 1) : null;
        try (PreparedStatement ps = production.prepareStatement("SELECT User, Host FROM mysql.user WHERE User = ?"
                + (host == null ? "" : " AND Host = ?"))) {
            ps.setString(1, user);
            if (host != null) {
                ps.setString(2, host);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add("'" + rs.getString(1).replace("'", "''") + "'@'" + rs.getString(2).replace("'", "''") + "'");
                }
            }
        }
        return out;
    }

    /**
     * Creates or replaces each account on the clone as production has it. Returns what could not be copied (a grant on
     * a table that no longer exists), one line each; throws if an account named does not exist on production.
     */
    public static List<String> copy(Connection production, Connection clone, List<String> specs) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (String spec : specs) {
            List<String> accounts = accounts(production, spec);
            if (accounts.isEmpty()) {
                throw new SQLException("cutover.users: account '" + spec + "' does not exist on production");
            }
            for (String account : accounts) {
                String create;
                List<String> grants = new ArrayList<>();
                try (Statement st = production.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SHOW CREATE USER " + account)) {
                        rs.next();
                        create = rs.getString(1);
                    }
                    try (ResultSet rs = st.executeQuery("SHOW GRANTS FOR " + account)) {
                        while (rs.next()) {
                            grants.add(rs.getString(1));
                        }
                    }
                }
                try (Statement st = clone.createStatement()) {
                    st.execute("DROP USER IF EXISTS " + account);
                    st.execute(create);
                    for (String g : grants) {
                        if (g.startsWith("GRANT USAGE ON *.*") && !g.contains("WITH")) {
                            continue; // implied by CREATE USER
                        }
                        try {
                            st.execute(g.replaceFirst(" IDENTIFIED BY PASSWORD '[^']*'", ""));
                        } catch (SQLException e) {
                            problems.add(account + ": " + g + " -> " + e.getMessage());
                        }
                    }
                }
            }
        }
        return problems;
    }
}
