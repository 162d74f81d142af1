package dev.tern.coap.rd;

import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.spi.LayeredRequests;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/** A directory on a manual clock, driven through its router as the server engine would. */
final class Rd {
    final ManualClock clock = new ManualClock();
    final ResourceDirectory directory;
    final Router router;

    Rd(ResourceDirectory.Builder builder) {
        directory = builder.scheduler(clock).build();
        router = directory.router();
    }

    Rd() {
        this(ResourceDirectory.builder());
    }

    /** {@code uri} is the path and query, e.g. {@code /rd?ep=node1}; the source 192.0.2.{host}:61616. */
    Response send(Request.Builder request, int host) {
        return router.handle(request.peer(address(host)).build()).join();
    }

    /**
     * Like {@link #send(Request.Builder, int)}, from a peer that authenticated as {@code identity} (as a
     * DTLS session would tell the engine), attached the way a security layer does.
     */
    Response send(Request.Builder request, int host, PeerIdentity identity) {
        return router.handle(withIdentity(request.peer(address(host)).build(), identity)).join();
    }

    /** {@code request} as received from a peer authenticated as {@code identity}. */
    static Request withIdentity(Request request, PeerIdentity identity) {
        return LayeredRequests.rewrite(request, request.method(), request.options(), request.payload(), identity, true);
    }

    Response post(String pathAndQuery, String links, int host) {
        Request.Builder b = Request.post("coap://rd.example" + pathAndQuery);
        if (!links.isEmpty()) {
            b.payload(links).contentFormat(40);
        }
        return send(b, host);
    }

    Response post(String pathAndQuery, String links, PeerIdentity identity) {
        Request.Builder b = Request.post("coap://rd.example" + pathAndQuery);
        if (!links.isEmpty()) {
            b.payload(links).contentFormat(40);
        }
        return send(b, 9, identity);
    }

    Response get(String pathAndQuery) {
        return send(Request.get("coap://rd.example" + pathAndQuery), 200);
    }

    Response delete(String path, int host) {
        return send(Request.delete("coap://rd.example" + path), host);
    }

    List<Link> lookup(String pathAndQuery) {
        return LinkFormat.parse(get(pathAndQuery).payloadString());
    }

    static String location(Response r) {
        return "/" + String.join("/", r.options().locationPath());
    }

    static InetSocketAddress address(int host) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) host}), 61616);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
