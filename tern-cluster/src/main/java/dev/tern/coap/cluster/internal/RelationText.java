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
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;

/**
 * Mirrored relations in Redis, kept from whoever reads Redis (an observer's address and token are
 * what an off-path attacker needs to forge notifications over plain {@code coap}, RFC 7252 §5.3.1).
 * Field: the relation's id, the first 16 bytes of HMAC-SHA256 over {@code ADDRESS PORT TOKEN} under
 * the cluster's control key, in hex; value: {@code ADDRESS PORT TOKEN PATH IDENTITY} (path and
 * identity URL-encoded) sealed with AES-256-GCM, the node and the id as associated data, in base64.
 * A cancel, published on the owner's channel {@code PREFIX:relations:ID:cancel}, is {@code NODE
 * RELATION-ID CODE MILLIS MAC}: the MAC covers all before it, so only a member can end a relation,
 * only on the node named and within the clock skew allowed. Parsing is strict and bounded: whatever
 * does not fit is null.
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

    private static String plainId(InetSocketAddress peer, Bytes token) {
        return peer.getAddress().getHostAddress() + " " + peer.getPort() + " " + token.hex();
    }

    /** The relation id of {@code peer}/{@code token} (a keyed hash: Redis readers learn neither). */
    public static String id(Mac control, InetSocketAddress peer, Bytes token) {
        byte[] h = control.doFinal(plainId(peer, token).getBytes(StandardCharsets.US_ASCII));
        return HEX.formatHex(Arrays.copyOf(h, 16));
    }

    private static byte[] aad(int nodeId, String id) {
        return ("tern-relation " + nodeId + " " + id).getBytes(StandardCharsets.US_ASCII);
    }

    /** The sealed value of {@code r}, stored under {@code id} in node {@code nodeId}'s hash. */
    static String value(RedisResumptionCache sealer, int nodeId, String id, RelationListener.Relation r) {
        String plain = plainId(r.peer(), r.token()) + " " + enc(r.path()) + " " + enc(r.identity().orElse(""));
        return Base64.getEncoder().encodeToString(sealer.seal(aad(nodeId, id), plain.getBytes(StandardCharsets.UTF_8)));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The relation stored under {@code id} in node {@code nodeId}'s hash, or null if it does not open or parse. */
    public static ClusterRelation parse(RedisResumptionCache sealer, int nodeId, String id, String value) {
        byte[] plain;
        try {
            plain = sealer.open(aad(nodeId, id), Base64.getDecoder().decode(value));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (plain == null) {
            return null;
        }
        String[] v = new String(plain, StandardCharsets.UTF_8).split(" ", -1);
        if (v.length != 5) {
            return null;
        }
        InetSocketAddress peer = address(v[0], v[1]);
        Bytes token = token(v[2]);
        if (peer == null || token == null) {
            return null;
        }
        try {
            String identity = URLDecoder.decode(v[4], StandardCharsets.UTF_8);
            return new ClusterRelation(nodeId, peer, token, URLDecoder.decode(v[3], StandardCharsets.UTF_8),
                    identity.isEmpty() ? Optional.empty() : Optional.of(identity));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The signed cancel of relation {@code id} on node {@code nodeId} at {@code millis}. */
    public static String cancel(Mac control, int nodeId, String id, Code code, long millis) {
        String body = nodeId + " " + id + " " + code + " " + millis;
        return body + " " + HEX.formatHex(control.doFinal(body.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A verified cancel: the relation id and the code to end it with. */
    record Cancel(String id, Code code) {
    }

    /**
     * The cancel in {@code message} if it is well formed, for node {@code nodeId}, within {@code
     * skewMillis} of {@code nowMillis}, with an error code and a valid MAC; else null.
     */
    static Cancel verify(Mac control, int nodeId, String message, long nowMillis, long skewMillis) {
        if (message.length() > MAX_CANCEL) {
            return null;
        }
        int cut = message.lastIndexOf(' ');
        String[] p = message.split(" ", -1);
        if (p.length != 5 || cut < 0) {
            return null;
        }
        byte[] expected = control.doFinal(message.substring(0, cut).getBytes(StandardCharsets.US_ASCII));
        byte[] given;
        try {
            given = HEX.parseHex(p[4]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return null;
        }
        try {
            long at = Long.parseLong(p[3]);
            Code code = Code.parse(p[2]);
            if (Integer.parseInt(p[0]) != nodeId || Math.abs(nowMillis - at) > skewMillis
                    || code.codeClass() != 4 && code.codeClass() != 5) {
                return null;
            }
            return new Cancel(p[1], code);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static InetSocketAddress address(String host, String port) {
        // an IP literal only: never a name lookup for text from Redis
        if (host.isEmpty() || host.length() > 45 || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0
                || c == '.' || c == ':')) {
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
