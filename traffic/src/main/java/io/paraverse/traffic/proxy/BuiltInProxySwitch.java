package io.paraverse.traffic.proxy;

import io.paraverse.traffic.Endpoint;
import io.paraverse.traffic.FenceResult;
import io.paraverse.traffic.TrafficSwitch;
import io.paraverse.traffic.TrafficSwitchException;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;

/**
 * The built-in proxy as the cutover's traffic switch: fence holds new work and waits for in-flight transactions,
 * switchTo moves sessions to the clone, release lets held clients continue. The proxy outlives the cutover (the
 * application keeps connecting through it), so closing this switch does not stop the proxy.
 */
public final class BuiltInProxySwitch implements TrafficSwitch {
    private final MySqlProxy proxy;

    public BuiltInProxySwitch(MySqlProxy proxy) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
    }

    public MySqlProxy proxy() {
        return proxy;
    }

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    public void check() throws TrafficSwitchException {
        Endpoint backend = proxy.backend();
        try (Socket probe = BackendConnector.connect(backend)) {
            // reachable
        } catch (IOException e) {
            throw new TrafficSwitchException("proxy: its backend " + backend + " does not accept connections ("
                    + e.getMessage() + "); check that the production server runs and is reachable from Paraverse", e);
        }
    }

    @Override
    public FenceResult fence(Duration timeout) throws InterruptedException {
        return proxy.hold(timeout);
    }

    @Override
    public void switchTo(Endpoint target) throws TrafficSwitchException {
        try {
            proxy.switchTo(target);
        } catch (IOException e) {
            throw new TrafficSwitchException("proxy: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrafficSwitchException("proxy: interrupted while switching to " + target
                    + "; call switchTo again (sessions not yet moved move on their next command)", e);
        }
    }

    @Override
    public void release() {
        proxy.release();
    }

    public ProxyStats stats() {
        return proxy.stats();
    }
}
