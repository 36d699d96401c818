package io.paraverse.applier;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Wraps a DataSource to inject a lost connection at COMMIT (after or before the commit reached the server) and to
 * count executions of statements whose SQL starts with a prefix.
 */
final class FaultyDataSource implements DataSource {
    enum CommitFault { NONE, LOST_AFTER_COMMIT, LOST_BEFORE_COMMIT }

    private final DataSource delegate;
    private final String countedPrefix;
    volatile CommitFault nextCommit = CommitFault.NONE;
    final AtomicInteger counted = new AtomicInteger();
    final AtomicInteger commits = new AtomicInteger();

    FaultyDataSource(DataSource delegate, String countedPrefix) {
        this.delegate = delegate;
        this.countedPrefix = countedPrefix;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return wrap(delegate.getConnection(user, password));
    }

    private Connection wrap(Connection real) {
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getName().equals("commit")) {
                CommitFault f = nextCommit;
                nextCommit = CommitFault.NONE;
                if (f == CommitFault.LOST_BEFORE_COMMIT) {
                    throw new SQLNonTransientConnectionException("simulated: connection lost before COMMIT", "08S01");
                }
                real.commit();
                commits.incrementAndGet();
                if (f == CommitFault.LOST_AFTER_COMMIT) {
                    throw new SQLNonTransientConnectionException("simulated: connection lost after COMMIT", "08S01");
                }
                return null;
            }
            Object r = invoke(real, m, args);
            if (m.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql
                    && sql.startsWith(countedPrefix)) {
                return counting((PreparedStatement) r);
            }
            return r;
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    private PreparedStatement counting(PreparedStatement real) {
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getName().startsWith("execute")) {
                counted.incrementAndGet();
            }
            return invoke(real, m, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, h);
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override public PrintWriter getLogWriter() throws SQLException { return delegate.getLogWriter(); }
    @Override public void setLogWriter(PrintWriter out) throws SQLException { delegate.setLogWriter(out); }
    @Override public void setLoginTimeout(int seconds) throws SQLException { delegate.setLoginTimeout(seconds); }
    @Override public int getLoginTimeout() throws SQLException { return delegate.getLoginTimeout(); }
    @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { return delegate.getParentLogger(); }
    @Override public <T> T unwrap(Class<T> iface) throws SQLException { return delegate.unwrap(iface); }
    @Override public boolean isWrapperFor(Class<?> iface) throws SQLException { return delegate.isWrapperFor(iface); }
}
