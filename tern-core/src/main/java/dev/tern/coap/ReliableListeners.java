package dev.tern.coap;

import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.internal.engine.SchedulerThread;
import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.RelationListener;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The connection listeners of a {@link CoapServer} (RFC 8323: coap+tcp, coaps+tcp, coap+ws,
 * coaps+ws), each a stack of its own on its own scheduler thread, beside the UDP endpoints.
 */
final class ReliableListeners implements AutoCloseable {
    private final List<CoapEndpoint> endpoints = new ArrayList<>();
    private final List<SchedulerThread> threads = new ArrayList<>();
    private final List<String> schemes = new ArrayList<>();

    /**
     * Starts a stack on each transport, telling {@code relations} (or nobody, when null) of its
     * observe relations; on failure closes those started and rethrows.
     */
    static ReliableListeners start(List<ConnectionTransport> transports, EndpointConfig config, Service service,
                                   Executor executor, MessageTracer tracer, Service proxy, EndpointMetrics metrics,
                                   RelationListener relations) {
        ReliableListeners started = new ReliableListeners();
        try {
            for (ConnectionTransport t : transports) {
                SchedulerThread thread = new SchedulerThread("tern-server-" + t.scheme());
                started.threads.add(thread);
                started.endpoints.add(CoapEndpoint.assembleReliable(t, thread, config, service, executor, tracer,
                        proxy, new SecureRandom(), metrics, relations));
                started.schemes.add(t.scheme());
            }
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    /** The listening address of the first listener of {@code scheme}, or null. */
    InetSocketAddress localAddress(String scheme) {
        for (int i = 0; i < schemes.size(); i++) {
            if (schemes.get(i).equalsIgnoreCase(scheme)) {
                return endpoints.get(i).localAddress();
            }
        }
        return null;
    }

    /** The stacks (for {@code CoapServer.cancelRelation} and tests in this package). */
    List<CoapEndpoint> endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
        endpoints.forEach(CoapEndpoint::close);
        threads.forEach(SchedulerThread::close);
    }
}
