package dev.tern.coap.leshan;

import dev.tern.coap.PeerIdentity;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.X509Identity;

/**
 * Tern's view of a peer (its address and, over DTLS, the identity the handshake authenticated,
 * RFC 7252 §9.1.3) as Leshan's {@link IpPeer}: the identity Leshan's authorizer checks against its
 * security store.
 */
final class Peers {
    private Peers() {
    }

    /** The peer of a request that came from {@code address}, authenticated as {@code identity} if present. */
    static IpPeer of(InetSocketAddress address, Optional<PeerIdentity> identity) {
        if (identity.isEmpty()) {
            return new IpPeer(address);
        }
        return new IpPeer(address, identity(identity.get()));
    }

    private static LwM2mIdentity identity(PeerIdentity id) {
        switch (id.kind()) {
            case PRE_SHARED_KEY:
                return new PskIdentity(id.name());
            case RAW_PUBLIC_KEY:
                return new RpkIdentity(id.publicKey());
            case X509:
                return new X509Identity(commonName(id.certificates().get(0)));
            default:
                throw new IllegalArgumentException("no LwM2M identity for a " + id.kind() + " peer");
        }
    }

    /** The CN of the certificate's subject, as Leshan names X.509 clients. */
    static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("unreadable certificate subject", e);
        }
        throw new IllegalArgumentException("the certificate subject has no CN");
    }
}
