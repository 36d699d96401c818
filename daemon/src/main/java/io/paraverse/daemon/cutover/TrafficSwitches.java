package io.paraverse.daemon.cutover;

import io.paraverse.cloud.CredentialRef;
import io.paraverse.daemon.migration.config.Durations;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.traffic.Endpoint;
import io.paraverse.traffic.FenceResult;
import io.paraverse.traffic.TrafficSwitch;
import io.paraverse.traffic.haproxy.HaproxySwitch;
import io.paraverse.traffic.haproxy.HaproxySwitchConfig;
import io.paraverse.traffic.hook.HookCommandConfig;
import io.paraverse.traffic.hook.HookCommandSwitch;
import io.paraverse.traffic.proxysql.ProxySqlSwitch;
import io.paraverse.traffic.proxysql.ProxySqlSwitchConfig;

import java.time.Duration;

/** Builds the traffic switch a migration's {@code cutover.switch} names (the built-in proxy is the daemon's own). */
public final class TrafficSwitches {
    private TrafficSwitches() { }

    /**
     * @param production where the application's traffic goes now
     * @param clone      where it goes after the cutover
     * @param proxy      the daemon's built-in proxy for this migration (switch: proxy), else null
     */
    public static TrafficSwitch create(MigrationConfig config, Endpoint production, Endpoint clone, TrafficSwitch proxy) {
        MigrationConfig.Cutover c = config.cutoverOrDefault();
        return switch (c.switchValue()) {
            case PROXY -> proxy;
            case HAPROXY -> new HaproxySwitch(new HaproxySwitchConfig(c.haproxy().socket(), c.haproxy().backend(),
                    c.haproxy().production(), c.haproxy().cloneServer()));
            case PROXYSQL -> {
                var p = c.proxysql();
                CredentialRef password = CredentialRef.parse(p.password());
                yield new ProxySqlSwitch(new ProxySqlSwitchConfig(new Endpoint(p.host(), p.port() == null ? 6032 : p.port()), p.user(),
                        password::resolve, p.writerHostgroups(), production, clone));
            }
            case HOOK -> new HookCommandSwitch(new HookCommandConfig(c.hook().command(), config.name(), production, clone,
                    c.hook().env(), c.hook().timeout() == null ? null : Durations.parse(c.hook().timeout()), null));
            case NONE -> new ReadOnlyOnly();
        };
    }

    /**
     * {@code switch: none}: production is fenced by read_only alone and the operator points the application at the
     * clone (the cutover's report says when). Nothing to hold, nothing to switch here.
     */
    static final class ReadOnlyOnly implements TrafficSwitch {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public void check() { }

        @Override
        public FenceResult fence(Duration timeout) {
            return new FenceResult(false, -1, Duration.ZERO, false);
        }

        @Override
        public void switchTo(Endpoint target) { }

        @Override
        public void release() { }
    }
}
