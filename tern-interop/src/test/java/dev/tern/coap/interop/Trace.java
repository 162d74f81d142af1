package dev.tern.coap.interop;

import dev.tern.coap.MessageTracer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the message summaries a Tern endpoint sends and receives, to check what went over the wire. */
final class Trace implements MessageTracer {
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();

    @Override
    public void sent(InetSocketAddress peer, String summary) {
        sent.add(summary);
    }

    @Override
    public void received(InetSocketAddress peer, String summary) {
        received.add(summary);
    }

    List<String> sent() {
        return List.copyOf(sent);
    }

    List<String> received() {
        return List.copyOf(received);
    }

    void clear() {
        sent.clear();
        received.clear();
    }

    @Override
    public String toString() {
        return "sent " + sent + ", received " + received;
    }
}
