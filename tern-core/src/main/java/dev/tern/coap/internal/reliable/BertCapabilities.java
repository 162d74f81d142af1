package dev.tern.coap.internal.reliable;

import dev.tern.coap.internal.blockwise.BertPeers;
import dev.tern.coap.spi.ReliableSettings;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each open connection allows of BERT (RFC 8323 §6), for the block-wise layers on other
 * threads: written on the scheduler thread when a CSM arrives or the connection ends.
 *
 * <p>BERT goes to a peer whose CSM carried Block-Wise-Transfer and a Max-Message-Size above 1152
 * (§5.3.2). A BERT block carries as many 1024-byte units as fit both that Max-Message-Size and
 * this side's own (the bound, {@link ReliableSettings#maxMessageSize()}) after {@link #HEADROOM}
 * bytes for the frame header, token and options; fewer than two units gain nothing over SZX 6.
 */
final class BertCapabilities implements BertPeers {
    /** Bytes kept free in a BERT message for the frame header, token and options. */
    static final int HEADROOM = 512;
    private final ReliableSettings settings;
    private final ConcurrentHashMap<InetSocketAddress, Entry> sizes = new ConcurrentHashMap<>();

    BertCapabilities(ReliableSettings settings) {
        this.settings = settings;
    }

    @Override
    public int sendSize(InetSocketAddress peer) {
        Entry e = sizes.get(peer);
        return e == null ? 0 : e.size;
    }

    @Override
    public boolean receives(InetSocketAddress peer) {
        return settings.blockwiseTransfer();
    }

    /** After a CSM of {@code c}'s peer: what it now allows (a later CSM may withdraw BERT, §5.3.2). */
    void update(ConnectionContext c) {
        int size = bertSize(c.peerBlockwise, c.peerMaxMessageSize, settings.maxMessageSize());
        if (size > 0) {
            sizes.put(c.peer, new Entry(c, size));
        } else {
            forget(c);
        }
    }

    /** {@code c} ended or was released: its peer's next connection starts without BERT. */
    void forget(ConnectionContext c) {
        sizes.computeIfPresent(c.peer, (k, e) -> e.context == c ? null : e);
    }

    /** The BERT payload for a peer announcing {@code blockwise} and {@code peerMax}, within {@code ownMax}. */
    static int bertSize(boolean blockwise, long peerMax, int ownMax) {
        if (!blockwise || peerMax <= ReliableSettings.BASE_MAX_MESSAGE_SIZE) {
            return 0;
        }
        long units = (Math.min(peerMax, ownMax) - HEADROOM) / 1024;
        return units < 2 ? 0 : (int) Math.min(units * 1024, 1 << 30);
    }

    private record Entry(ConnectionContext context, int size) {
    }
}
