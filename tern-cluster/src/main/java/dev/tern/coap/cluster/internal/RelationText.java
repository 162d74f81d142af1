package dev.tern.coap.cluster.internal;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.cluster.ClusterRelation;
import dev.tern.coap.spi.RelationListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;

/**
 * The text forms of mirrored relations in Redis. Field: {@code ADDRESS PORT TOKEN-HEX}; value:
 * {@code PATH IDENTITY}, each URL-encoded (the identity empty when none). A cancel, published on the
 * owner's channel {@code PREFIX:relations:ID:cancel}, is {@code NODE ADDRESS PORT TOKEN-HEX CODE
 * MILLIS MAC}: the MAC (HMAC-SHA256 under the cluster's control key, hex) covers all before it, so
 * only a member can end a relation, only on the node named, and only within the clock skew allowed.
 * Parsing is strict and bounded: whatever does not fit is null.
 */
public final class RelationText {
    /** Longest cancel message accepted. */
    static final int MAX_CANCEL = 256;
    private static final HexFormat HEX = HexFormat.of();

    private RelationText() {
    }

    /** The hash of node {@code nodeId}'s relations. */
    public static String hashKey(String prefix, int nodeId) {
        return prefix + ":relations:" + nodeId;
    }

    /** The channel on which node {@code nodeId} takes cancels. */
    public static String cancelChannel(String prefix, int nodeId) {
        return hashKey(prefix, nodeId) + ":cancel";
    }

    static String field(InetSocketAddress peer, Bytes token) {
        return peer.getAddress().getHostAddress() + " " + peer.getPort() + " " + token.hex();
    }

    static String value(RelationListener.Relation r) {
        return enc(r.path()) + " " + enc(r.identity().orElse(""));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The relation of {@code field}/{@code value} in hash of {@code nodeId}, or null if malformed. */
    public static ClusterRelation parse(int nodeId, String field, String value) {
        String[] f = field.split(" ", -1);
        String[] v = value.split(" ", -1);
        if (f.length != 3 || v.length != 2) {
            return null;
        }
        InetSocketAddress peer = address(f[0], f[1]);
        Bytes token = token(f[2]);
        if (peer == null || token == null) {
            return null;
        }
        try {
            String identity = URLDecoder.decode(v[1], StandardCharsets.UTF_8);
            return new ClusterRelation(nodeId, peer, token, URLDecoder.decode(v[0], StandardCharsets.UTF_8),
                    identity.isEmpty() ? Optional.empty() : Optional.of(identity));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The signed cancel of {@code peer}/{@code token} on node {@code nodeId} at {@code millis}. */
    public static String cancel(Mac mac, int nodeId, InetSocketAddress peer, Bytes token, Code code, long millis) {
        String body = nodeId + " " + field(peer, token) + " " + code + " " + millis;
        return body + " " + HEX.formatHex(mac.doFinal(body.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A verified cancel for node {@code nodeId}. */
    public record Cancel(InetSocketAddress peer, Bytes token, Code code) {
    }

    /**
     * The cancel in {@code message} if it is well formed, for node {@code nodeId}, within {@code
     * skewMillis} of {@code nowMillis}, with an error code and a valid MAC; else null.
     */
    public static Cancel verify(Mac mac, int nodeId, String message, long nowMillis, long skewMillis) {
        if (message.length() > MAX_CANCEL) {
            return null;
        }
        int cut = message.lastIndexOf(' ');
        String[] p = message.split(" ", -1);
        if (p.length != 7 || cut < 0) {
            return null;
        }
        byte[] expected = mac.doFinal(message.substring(0, cut).getBytes(StandardCharsets.US_ASCII));
        byte[] given;
        try {
            given = HEX.parseHex(p[6]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return null;
        }
        try {
            long at = Long.parseLong(p[5]);
            Code code = Code.parse(p[4]);
            if (Integer.parseInt(p[0]) != nodeId || Math.abs(nowMillis - at) > skewMillis
                    || code.codeClass() != 4 && code.codeClass() != 5) {
                return null;
            }
            InetSocketAddress peer = address(p[1], p[2]);
            Bytes token = token(p[3]);
            return peer == null || token == null ? null : new Cancel(peer, token, code);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static InetSocketAddress address(String host, String port) {
        // an IP literal only: never a name lookup for text from Redis
        if (host.isEmpty() || host.length() > 45 || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0
                || c == '.' || c == ':' || c == '%')) {
            return null;
        }
        try {
            int p = Integer.parseInt(port);
            return p < 0 || p > 0xFFFF ? null : new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }

    private static Bytes token(String hex) {
        if (hex.length() > 16 || hex.length() % 2 != 0) {
            return null; // RFC 7252 §3: at most 8 bytes
        }
        try {
            return Bytes.fromHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
