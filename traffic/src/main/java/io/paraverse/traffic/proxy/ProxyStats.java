package io.paraverse.traffic.proxy;

import io.paraverse.traffic.Endpoint;

import java.time.Duration;

/**
 * What the proxy is doing, for status pages and cutover reports.
 *
 * @param backend           where new sessions and moved sessions go
 * @param holding           whether new work is being held (between hold and release)
 * @param sessionsOpen      client connections open now
 * @param inTransaction     sessions inside a transaction or running a command now
 * @param held              sessions whose connection or next command is being held now
 * @param moved             sessions moved to another backend without the client noticing, since start
 * @param closed            sessions the proxy closed (between transactions) because it could not move them, since start
 * @param maxHold           the longest any connection or command was held
 * @param bytesFromClients  bytes forwarded client -> server, since start
 * @param bytesFromServers  bytes forwarded server -> client, since start
 */
public record ProxyStats(Endpoint backend, boolean holding, int sessionsOpen, int inTransaction, int held, long moved,
                         long closed, Duration maxHold, long bytesFromClients, long bytesFromServers) { }
