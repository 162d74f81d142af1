package dev.tern.coap.testkit;

import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Service;
import dev.tern.coap.internal.engine.CoapEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Random;

/**
 * One endpoint under test on a {@link ManualScheduler} and an {@link InMemoryTransport}, with a
 * seeded random generator and handlers run synchronously on the caller ({@code Runnable::run}).
 */
public final class Harness {
    /** The endpoint's local address. */
    public static final InetSocketAddress LOCAL = address(198, 51, 100, 1, 5683);

    /** The endpoint's clock and thread. */
    public final ManualScheduler scheduler = new ManualScheduler();
    /** The endpoint's network. */
    public final InMemoryTransport transport = new InMemoryTransport(LOCAL, scheduler);
    /** The endpoint under test. */
    public final CoapEndpoint endpoint;

    private Harness(EndpointConfig config, Service service, long seed) {
        endpoint = CoapEndpoint.assemble(transport, scheduler, config, service, Runnable::run, "coap", null,
                new Random(seed));
    }

    /** A server endpoint running {@code service}. */
    public static Harness server(Service service, EndpointConfig config) {
        return new Harness(config, service, 42);
    }

    /** A client-only endpoint. */
    public static Harness client(EndpointConfig config) {
        return new Harness(config, null, 42);
    }

    /** A client-only endpoint whose random generator is seeded with {@code seed}. */
    public static Harness client(EndpointConfig config, long seed) {
        return new Harness(config, null, seed);
    }

    /** A peer at 192.0.2.{@code host}:{@code port}. */
    public MessagePeer peer(int host, int port) {
        return new MessagePeer(address(192, 0, 2, host, port), transport, scheduler);
    }

    /** A peer at 192.0.2.{@code host}:5683. */
    public MessagePeer peer(int host) {
        return peer(host, 5683);
    }

    /** An IPv4 socket address. */
    public static InetSocketAddress address(int a, int b, int c, int d, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(
                    new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
