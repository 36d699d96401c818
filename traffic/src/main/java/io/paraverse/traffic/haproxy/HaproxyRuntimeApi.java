package io.paraverse.traffic.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * HAProxy's runtime API (the "stats socket" of haproxy.cfg): one connection per command, in HAProxy's
 * non-interactive mode, where it answers the command and closes the connection. The socket is a unix socket path
 * ({@code /run/haproxy/admin.sock}) or {@code host:port} for a stats socket bound to TCP.
 */
public final class HaproxyRuntimeApi {
    private final String socket;
    private final Duration timeout;

    public HaproxyRuntimeApi(String socket, Duration timeout) {
        if (socket == null || socket.isBlank()) {
            throw new IllegalArgumentException("HAProxy stats socket is empty: give a unix socket path or host:port");
        }
        this.socket = socket.trim();
        this.timeout = timeout;
    }

    /** The socket as configured, for messages. */
    public String socket() {
        return socket;
    }

    /** Sends one command and returns HAProxy's whole answer. */
    public String execute(String command) throws IOException {
        if (command.indexOf('\n') >= 0 || command.indexOf(';') >= 0) {
            // both separate commands in HAProxy's CLI: refuse rather than send two
            throw new IllegalArgumentException("one HAProxy command at a time, without ';' or newline: " + command);
        }
        SocketAddress address = address();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
             Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            if (!channel.connect(address)) {
                channel.register(selector, SelectionKey.OP_CONNECT);
                while (!channel.finishConnect()) {
                    awaitReady(selector, deadline, "connecting");
                }
                selector.selectedKeys().clear();
            }
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    awaitReady(selector, deadline, "sending the command");
                }
            }
            key.interestOps(SelectionKey.OP_READ);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            while (true) {
                int n = channel.read(in);
                if (n < 0) {
                    return answer.toString(StandardCharsets.UTF_8);
                }
                if (n == 0) {
                    awaitReady(selector, deadline, "waiting for the answer");
                    continue;
                }
                answer.write(in.array(), 0, in.position());
                in.clear();
            }
        }
    }

    private void awaitReady(Selector selector, long deadline, String doing) throws IOException {
        long leftMs = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMs <= 0 || selector.select(leftMs) == 0 && System.nanoTime() >= deadline) {
            throw new IOException("no answer within " + timeout.toMillis() + " ms while " + doing);
        }
        selector.selectedKeys().clear();
    }

    private SocketAddress address() {
        int colon = socket.lastIndexOf(':');
        if (socket.indexOf('/') < 0 && colon > 0) {
            String host = socket.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                return new InetSocketAddress(host, Integer.parseInt(socket.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("HAProxy stats socket '" + socket + "' is neither a unix socket path"
                        + " nor host:port", e);
            }
        }
        return UnixDomainSocketAddress.of(Path.of(socket));
    }
}
