package dev.tern.coap.dtls.fuzz;

import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.internal.DtlsContext;
import dev.tern.coap.dtls.internal.DtlsTransport;
import dev.tern.coap.testkit.ManualScheduler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A server's {@link DtlsTransport} for the fuzz targets: on a {@link RecordingWire} and a manual
 * scheduler whose timers never fire, collecting what reaches CoAP in {@link #delivered}.
 */
final class FuzzServer {
    final RecordingWire wire = new RecordingWire();
    final ManualScheduler scheduler = new ManualScheduler();
    final DtlsTransport transport;
    final List<byte[]> delivered = new ArrayList<>();

    FuzzServer(DtlsConfig config) {
        transport = new DtlsTransport(new DtlsContext(config, true), wire, scheduler, () -> { });
        transport.start((data, length, source, multicast) -> delivered.add(Arrays.copyOf(data, length)));
        scheduler.runPending();
    }

    /** One datagram from {@code source}, then whatever the scheduler has to run. */
    void receive(byte[] datagram, InetSocketAddress source) {
        wire.receiver.onDatagram(datagram, datagram.length, source, false);
        scheduler.runPending();
    }

    /**
     * The datagrams in a fuzz input, each a source byte, a length byte and that many bytes (the last
     * one cut at the input's end): {@code each} gets the source byte and the datagram.
     */
    static void datagrams(byte[] input, BiConsumer<Byte, byte[]> each) {
        int i = 0;
        while (i + 2 <= input.length) {
            int length = Math.min(input[i + 1] & 0xFF, input.length - i - 2);
            each.accept(input[i], Arrays.copyOfRange(input, i + 2, i + 2 + length));
            i += 2 + length;
        }
    }

    /** Fails the target, naming the input in hex, unless {@code ok}. */
    static void check(boolean ok, String what, byte[] input) {
        if (!ok) {
            throw new AssertionError(what + ": " + HexFormat.of().formatHex(input));
        }
    }
}
