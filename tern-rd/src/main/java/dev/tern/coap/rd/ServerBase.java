package dev.tern.coap.rd;

import dev.tern.coap.CoapServer;
import dev.tern.coap.CoapUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The base URI (RFC 9176 §5 {@code base}) under which a server's links are reachable from a directory. */
final class ServerBase {
    private ServerBase() {
    }

    static String of(CoapServer server, CoapUri directory) {
        InetSocketAddress local = server.localAddress();
        InetAddress a = local.getAddress();
        if (a == null || a.isAnyLocalAddress()) {
            // the address the system would send from towards the directory; connect() sends nothing
            try (DatagramSocket s = new DatagramSocket()) {
                s.connect(new InetSocketAddress(directory.host(), directory.port()));
                a = s.getLocalAddress();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return RegistrationParams.baseOf(directory.isSecure() ? CoapUri.COAPS : CoapUri.COAP,
                new InetSocketAddress(a, local.getPort()));
    }
}
