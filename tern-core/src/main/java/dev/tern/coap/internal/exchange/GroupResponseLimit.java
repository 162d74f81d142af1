package dev.tern.coap.internal.exchange;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Response;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.InetSocketAddress;

/**
 * The size bound of responses to group requests (RFC 7252 §11.3: "the amplification factor is
 * per node"; RFC 9175 §2.4), so that a forged group request does not make every server in the
 * group send its victim a full block.
 *
 * <p>Two factors apply, each with its own exemption: {@link EndpointConfig#multicastAmplificationLimit()}
 * (3 by default), lifted by a route that opted out ({@code RouteOptions.multicastUncapped()}), and
 * the Echo guard's {@link EndpointConfig#amplificationLimit()}, lifted for a peer verified by an
 * Echo round trip. A response within the smaller applicable factor times the request is sent as it
 * is. A larger 2.xx response to a GET or FETCH is cut to a smaller Block2 block at the same offset
 * (RFC 7959 §2.4 lets the server choose a smaller block size than asked; the client fetches the
 * rest by unicast, where the unicast rules apply): the largest block size whose message fits.
 * Anything else that does not fit — an error (never sent to a group anyway, §8.1), a response to
 * another method, whose remaining blocks could not be fetched again, or a request too small for
 * even a 16-byte block — is not sent at all. A 4.01 with Echo is not an option either: it is an
 * error response (§8.1).
 */
final class GroupResponseLimit {
    private final int factor;
    private final AmplificationGuard guard;

    GroupResponseLimit(EndpointConfig config, AmplificationGuard guard) {
        this.factor = config.multicastAmplificationLimit();
        this.guard = guard;
    }

    /**
     * The response to send for the group request {@code request} from {@code peer}, or null to
     * send nothing.
     *
     * @param uncapped whether the route opted out of the multicast factor
     */
    Response limit(Message request, InetSocketAddress peer, Response response, boolean uncapped) {
        boolean capped = !uncapped && factor > 0;
        boolean guarded = guard.enabled() && !guard.isVerified(peer);
        if (!capped && !guarded) {
            return response;
        }
        int requestSize = MessageEncoder.encodedSize(request);
        long allowed = Long.MAX_VALUE;
        if (capped) {
            allowed = (long) factor * requestSize;
        }
        if (guarded) {
            allowed = Math.min(allowed, (long) guard.factor() * requestSize);
        }
        if (size(request, response) <= allowed) {
            return response;
        }
        if (!response.isSuccess() || response.payload().isEmpty()
                || !(request.code().equals(Code.GET) || request.code().equals(Code.FETCH))) {
            return null;
        }
        Block asked = response.options().block2().orElse(null);
        Bytes payload = response.payload();
        int offset = asked == null ? 0 : asked.offset();
        for (int szx = Block.MAX_SZX; szx >= 0; szx--) {
            int size = 1 << (szx + 4);
            if (size >= payload.length() || (asked != null && szx >= asked.szx())) {
                continue; // not smaller than what is there
            }
            Block block = new Block(offset / size, true, szx); // more follows: the payload was longer
            Response cut = response.toBuilder().payload(payload.slice(0, size))
                    .options(o -> o.set(OptionNumber.BLOCK2, block.value())).build();
            if (size(request, cut) <= allowed) {
                return cut;
            }
        }
        return null;
    }

    /** The encoded size of {@code response} as it goes out (type and Message ID do not change it). */
    private static int size(Message request, Response response) {
        return MessageEncoder.encodedSize(new Message(MessageType.NON, response.code(), 0, request.token(),
                response.options(), response.payload()));
    }
}
