package dev.tern.coap.rd;

import dev.tern.coap.LinkFormat;
import dev.tern.coap.PeerIdentity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A registration (RFC 9176 §5) as a state record: its location, name, sector, base, lifetime and
 * wall-clock expiry, attributes, links (RFC 6690), the identity that owns its name (§7.5) and its
 * peer key. Identities that a name and suite fully describe (PSK, OSCORE) are kept; a registration
 * owned by a raw public key or certificate is not exported (its name would lose its owner), and
 * that endpoint registers again. Decoding is strict: a record that does not decode is skipped whole.
 */
final class RegistrationRecords {
    private static final int VERSION = 1;

    private RegistrationRecords() {
    }

    /** A decoded registration and when it expires (epoch milliseconds). */
    record Saved(Registration registration, long expiresAtMillis) {
    }

    /** The record, or null when the registration's owner cannot be written down. */
    static byte[] encode(Registration r, long expiresAtMillis) {
        String identity = "";
        if (r.identity != null) {
            PeerIdentity.Kind k = r.identity.kind();
            if (k != PeerIdentity.Kind.PRE_SHARED_KEY && k != PeerIdentity.Kind.OSCORE) {
                return null;
            }
            identity = k + ":" + r.identity.cipherSuite() + ":" + r.identity.name();
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeUTF(r.id);
            out.writeUTF(r.ep);
            out.writeUTF(r.sector);
            out.writeUTF(r.base);
            out.writeLong(r.lifetimeSeconds);
            out.writeLong(expiresAtMillis);
            out.writeShort(r.attributes.size());
            for (Map.Entry<String, String> a : r.attributes.entrySet()) {
                out.writeUTF(a.getKey());
                out.writeUTF(a.getValue());
            }
            byte[] links = LinkFormat.format(r.links).getBytes(StandardCharsets.UTF_8);
            out.writeInt(links.length);
            out.write(links);
            out.writeUTF(identity);
            out.writeUTF(r.peerKey);
            return bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            return null; // a field too long for the record: not exported
        }
    }

    /** Decodes a record; {@link IllegalArgumentException} with the reason when it is not one. */
    static Saved decode(byte[] record) {
        try {
            ByteArrayInputStream bytes = new ByteArrayInputStream(record);
            DataInputStream in = new DataInputStream(bytes);
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("registration record version " + version);
            }
            String id = in.readUTF();
            String ep = in.readUTF();
            String sector = in.readUTF();
            String base = in.readUTF();
            long lifetime = in.readLong();
            long expiresAt = in.readLong();
            if (lifetime <= 0 || id.isEmpty() || ep.isEmpty()) {
                throw new IllegalArgumentException("registration record without id, name or lifetime");
            }
            int n = in.readUnsignedShort();
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                attributes.put(in.readUTF(), in.readUTF());
            }
            int linkBytes = in.readInt();
            if (linkBytes < 0 || linkBytes > bytes.available()) {
                throw new IllegalArgumentException("links of " + linkBytes + " bytes, " + bytes.available() + " left");
            }
            String links = new String(in.readNBytes(linkBytes), StandardCharsets.UTF_8);
            PeerIdentity identity = identity(in.readUTF());
            String peerKey = in.readUTF();
            if (bytes.available() != 0) {
                throw new IllegalArgumentException(bytes.available() + " trailing bytes");
            }
            return new Saved(new Registration(id, ep, sector, base, lifetime, attributes,
                    links.isEmpty() ? java.util.List.of() : LinkFormat.parse(links), identity, peerKey), expiresAt);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated registration record");
        } catch (RdError e) {
            throw new IllegalArgumentException("registration record: " + e.getMessage());
        }
    }

    private static PeerIdentity identity(String text) {
        if (text.isEmpty()) {
            return null;
        }
        int kind = text.indexOf(':');
        int suite = kind < 0 ? -1 : text.indexOf(':', kind + 1);
        if (suite < 0) {
            throw new IllegalArgumentException("malformed identity in a registration record");
        }
        String k = text.substring(0, kind);
        String cipher = text.substring(kind + 1, suite);
        String name = text.substring(suite + 1);
        if (k.equals(PeerIdentity.Kind.PRE_SHARED_KEY.name())) {
            return PeerIdentity.preSharedKey(name, cipher);
        }
        if (k.equals(PeerIdentity.Kind.OSCORE.name())) {
            return PeerIdentity.oscore(name, cipher);
        }
        throw new IllegalArgumentException("identity kind " + k + " cannot be restored");
    }
}
