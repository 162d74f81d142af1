package dev.tern.coap.cluster.internal;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
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
 * Mirrored relations and client observations ({@link MirrorKind}) in Redis, kept from whoever reads
 * Redis (a peer's address and token are what an off-path attacker needs to forge notifications over
 * plain {@code coap}, RFC 7252 §5.3.1). Field: the entry's id, the first 16 bytes of HMAC-SHA256 over
 * {@code ADDRESS PORT TOKEN} under the cluster's control key, in hex; value: {@code ADDRESS PORT
 * TOKEN PATH IDENTITY} (path and identity URL-encoded) sealed with AES-256-GCM, the kind, the node
 * and the id as associated data, in base64. A cancel, published on the owner's channel {@code
 * PREFIX:KIND:ID:cancel}, is {@code NODE ENTRY-ID CODE MILLIS MAC}: the MAC covers the kind and all
 * before it, so only a member can end an entry, only of the kind and on the node named and within
 * the clock skew allowed. Parsing is strict and bounded: whatever does not fit is null.
 */
public final class RelationText {
    /** Longest cancel message accepted. */
    static final int MAX_CANCEL = 256;
    private static final HexFormat HEX = HexFormat.of();

    private RelationText() {
    }

    /** The hash of node {@code nodeId}'s entries of {@code kind}. */
    public static String hashKey(String prefix, MirrorKind kind, int nodeId) {
        return hashPrefix(prefix, kind) + nodeId;
    }

    /** What the hash keys of {@code kind} start with, the node id following. */
    static String hashPrefix(String prefix, MirrorKind kind) {
        return prefix + ":" + kind.segment() + ":";
    }

    /** The channel on which node {@code nodeId} takes cancels of {@code kind}. */
    public static String cancelChannel(String prefix, MirrorKind kind, int nodeId) {
        return hashKey(prefix, kind, nodeId) + ":cancel";
    }

    private static String plainId(InetSocketAddress peer, Bytes token) {
        return peer.getAddress().getHostAddress() + " " + peer.getPort() + " " + token.hex();
    }

    /** The relation id of {@code peer}/{@code token} (a keyed hash: Redis readers learn neither). */
    public static String id(Mac control, InetSocketAddress peer, Bytes token) {
        byte[] h = control.doFinal(plainId(peer, token).getBytes(StandardCharsets.US_ASCII));
        return HEX.formatHex(Arrays.copyOf(h, 16));
    }

    private static byte[] aad(MirrorKind kind, int nodeId, String id) {
        return (kind.label() + " " + nodeId + " " + id).getBytes(StandardCharsets.US_ASCII);
    }

    /** The sealed value of {@code r}, stored under {@code id} in node {@code nodeId}'s hash of {@code kind}. */
    static String value(RedisResumptionCache sealer, MirrorKind kind, int nodeId, String id, Mirrored r) {
        String plain = plainId(r.peer(), r.token()) + " " + enc(r.path()) + " " + enc(r.identity().orElse(""));
        return Base64.getEncoder().encodeToString(sealer.seal(aad(kind, nodeId, id),
                plain.getBytes(StandardCharsets.UTF_8)));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * The entry stored under {@code id} in node {@code nodeId}'s hash of {@code kind}, or null if it
     * does not open or parse.
     */
    public static Mirrored parse(RedisResumptionCache sealer, MirrorKind kind, int nodeId, String id, String value) {
        byte[] plain;
        try {
            plain = sealer.open(aad(kind, nodeId, id), Base64.getDecoder().decode(value));
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
            return new Mirrored(nodeId, peer, token, URLDecoder.decode(v[3], StandardCharsets.UTF_8),
                    identity.isEmpty() ? Optional.empty() : Optional.of(identity));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The signed cancel of entry {@code id} of {@code kind} on node {@code nodeId} at {@code millis}. */
    public static String cancel(Mac control, MirrorKind kind, int nodeId, String id, Code code, long millis) {
        String body = nodeId + " " + id + " " + code + " " + millis;
        return body + " " + HEX.formatHex(mac(control, kind, body));
    }

    private static byte[] mac(Mac control, MirrorKind kind, String body) {
        return control.doFinal((kind.label() + " " + body).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A mirrored entry: the node that holds it, the peer (a relation's observer, an observation's
     * server), the token, the path and the security identity (relations only, else empty).
     */
    public record Mirrored(int nodeId, InetSocketAddress peer, Bytes token, String path, Optional<String> identity) {
    }

    /** A verified cancel: the entry's id and the code to end it with. */
    record Cancel(String id, Code code) {
    }

    /**
     * The cancel in {@code message} if it is well formed, of {@code kind}, for node {@code nodeId},
     * within {@code skewMillis} of {@code nowMillis}, with a code the kind takes and a valid MAC; else null.
     */
    static Cancel verify(Mac control, MirrorKind kind, int nodeId, String message, long nowMillis, long skewMillis) {
        if (message.length() > MAX_CANCEL) {
            return null;
        }
        int cut = message.lastIndexOf(' ');
        String[] p = message.split(" ", -1);
        if (p.length != 5 || cut < 0) {
            return null;
        }
        byte[] expected = mac(control, kind, message.substring(0, cut));
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
            if (Integer.parseInt(p[0]) != nodeId || Math.abs(nowMillis - at) > skewMillis || !kind.accepts(code)) {
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
