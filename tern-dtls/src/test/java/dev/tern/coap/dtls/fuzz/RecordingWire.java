package dev.tern.coap.dtls.fuzz;

import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The fuzz targets' datagram transport: records what the server sends; the target feeds {@link #receiver}. */
final class RecordingWire implements Transport {
    final List<byte[]> sent = new ArrayList<>();
    Receiver receiver;

    @Override
    public void start(Receiver r) {
        receiver = r;
    }

    @Override
    public void send(byte[] data, int length, InetSocketAddress destination) {
        sent.add(Arrays.copyOf(data, length));
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 5684);
    }

    @Override
    public void close() {
    }
}
