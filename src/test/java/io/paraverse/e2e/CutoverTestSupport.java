package io.paraverse.e2e;

import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** What the cutover tests share: the shop-split clone, production's read_only, and a scriptable hook switch. */
final class CutoverTestSupport {
    private CutoverTestSupport() { }

    /** The shop-split migration's clone, found through what its provisioner persisted in the daemon's data dir. */
    static Connection target(Path data) throws Exception {
        var state = new ProvisionerStateStore(data.resolve(ShopSplitFixture.NAME).resolve("provisioner")).load(ShopSplitFixture.NAME).orElseThrow();
        return DriverManager.getConnection(state.jdbcUrl(), state.user(), state.credentialRef().resolve());
    }

    static int readOnly(MariaDbServer source) throws Exception {
        try (Connection c = source.connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@GLOBAL.read_only")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * A hook switch the test steers with files next to it: it logs "STEP TARGET_PORT" to hook.log, fails (exit 3) when
     * {@code fail-STEP} exists, marks {@code started-STEP}, and sleeps the seconds in {@code slow-STEP} when it exists.
     */
    static Path hookScript(Path dir) throws Exception {
        Path hook = dir.resolve("hook.sh");
        Files.writeString(hook, String.join("\n",
                "#!/bin/sh",
                "d=$(dirname \"$0\")",
                "echo \"$PARAVERSE_STEP $PARAVERSE_TARGET_PORT\" >> \"$d/hook.log\"",
                "[ -e \"$d/fail-$PARAVERSE_STEP\" ] && { echo \"switch unreachable: the load balancer API answered 503\"; exit 3; }",
                "touch \"$d/started-$PARAVERSE_STEP\"",
                "[ -e \"$d/slow-$PARAVERSE_STEP\" ] && sleep \"$(cat \"$d/slow-$PARAVERSE_STEP\")\"",
                "exit 0", ""));
        return hook;
    }
}
