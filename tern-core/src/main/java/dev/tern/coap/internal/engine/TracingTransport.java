package dev.tern.coap.internal.engine;

import dev.tern.coap.MessageTracer;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;

/**
 * A transport decorator that shows every datagram to a {@link MessageTracer} as a one-line message
 * summary. Message dumps live here, never in the codec.
 */
final class TracingTransport implements Transport {
    private final Transport delegate;
    private final MessageTracer tracer;

    TracingTransport(Transport delegate, MessageTracer tracer) {
        this.delegate = delegate;
        this.tracer = tracer;
    }

    static String summarize(byte[] data, int length) {
        return MessageDecoder.decode(data, 0, length).toString();
    }

    @Override
    public void start(Receiver receiver) {
        delegate.start(new Receiver() {
            @Override
            public void onDatagram(byte[] data, int length, InetSocketAddress source, boolean multicast) {
                tracer.received(source, summarize(data, length));
                receiver.onDatagram(data, length, source, multicast);
            }

            @Override
            public void onPeerFailure(InetSocketAddress peer, dev.tern.coap.CoapException cause) {
                receiver.onPeerFailure(peer, cause);
            }

            @Override
            public void onAssociationEnded(Object association) {
                receiver.onAssociationEnded(association);
            }
        });
    }

    @Override
    public dev.tern.coap.PeerIdentity peerIdentity(InetSocketAddress peer) {
        return delegate.peerIdentity(peer);
    }

    @Override
    public void send(byte[] data, int length, InetSocketAddress destination) {
        tracer.sent(destination, summarize(data, length));
        delegate.send(data, length, destination);
    }

    @Override
    public void send(byte[] data, int length, InetSocketAddress destination, Object association) {
        tracer.sent(destination, summarize(data, length));
        delegate.send(data, length, destination, association);
    }

    @Override
    public Object association(InetSocketAddress peer) {
        return delegate.association(peer);
    }

    @Override
    public InetSocketAddress localAddress() {
        return delegate.localAddress();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
