package dev.tern.coap.internal.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** {@link DeduplicationCache}: duplicates, replies, lifetimes, eviction and growth (RFC 7252 §4.5). */
class DeduplicationCacheTest {
    private static final long CON_LIFETIME = 247_000;
    private static final long NON_LIFETIME = 145_000;
    private static final InetSocketAddress A = peer("10.0.0.1", 5683);
    private static final InetSocketAddress B = peer("10.0.0.2", 5683);
    private static final InetSocketAddress V6 = peer("2001:db8::1", 5683);
    private static final InetSocketAddress V6_OTHER = peer("2001:db8::2", 5683);

    private static InetSocketAddress peer(String address, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static DeduplicationCache cache(int capacity) {
        return new DeduplicationCache(capacity, CON_LIFETIME, NON_LIFETIME, 1);
    }

    @Test
    void secondCopyIsADuplicate() {
        DeduplicationCache c = cache(10);
        long first = c.record(A, 7, true, 0);
        assertThat(DeduplicationCache.isDuplicate(first)).isFalse();
        long second = c.record(A, 7, true, 1);
        assertThat(DeduplicationCache.isDuplicate(second)).isTrue();
        assertThat(c.size()).isEqualTo(1);
    }

    @Test
    void peerPortAndMessageIdEachMakeANewEntry() {
        DeduplicationCache c = cache(10);
        c.record(A, 7, true, 0);
        assertThat(DeduplicationCache.isDuplicate(c.record(B, 7, true, 0))).isFalse();
        assertThat(DeduplicationCache.isDuplicate(c.record(peer("10.0.0.1", 5684), 7, true, 0))).isFalse();
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 8, true, 0))).isFalse();
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 0xFFFF, true, 0))).isFalse();
        assertThat(DeduplicationCache.isDuplicate(c.record(peer("255.255.255.255", 65535), 0xFFFF, true, 0)))
                .isFalse();
        assertThat(c.size()).isEqualTo(6);
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 7, false, 0))).as("NON with a CON's MID").isTrue();
    }

    @Test
    void ipv4KeyHoldsAddressPortAndMessageId() throws UnknownHostException {
        assertThat(DeduplicationCache.ipv4Key(InetAddress.getByName("192.168.1.2"), 0x1234, 0xABCD))
                .isEqualTo(0xC0A80102_1234ABCDL);
        assertThat(DeduplicationCache.ipv4Key(InetAddress.getByName("255.0.0.1"), 65535, 0))
                .isEqualTo(0xFF000001_FFFF0000L);
    }

    @Test
    void ipv6PeersAreToldApart() {
        DeduplicationCache c = cache(10);
        c.record(V6, 7, true, 0);
        assertThat(DeduplicationCache.isDuplicate(c.record(V6, 7, true, 0))).isTrue();
        assertThat(DeduplicationCache.isDuplicate(c.record(V6_OTHER, 7, true, 0))).isFalse();
        assertThat(DeduplicationCache.isDuplicate(c.record(peer("2001:db8::1", 5684), 7, true, 0))).isFalse();
        assertThat(DeduplicationCache.isDuplicate(c.record(peer("::ffff:10.0.0.1", 5683), 7, true, 0)))
                .as("an IPv4-mapped address is the IPv4 peer").isFalse();
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 7, true, 0))).isTrue();
        assertThat(c.size()).isEqualTo(4);
    }

    @Test
    void replyIsKeptForDuplicates() {
        DeduplicationCache c = cache(10);
        long e = c.record(A, 7, true, 0);
        assertThat(c.reply(c.record(A, 7, true, 0))).as("no reply yet").isNull();
        byte[] buffer = {0x60, 0x45, 0, 7, 9, 9};
        c.reply(e, buffer, 4);
        buffer[0] = 0; // the cache copied it
        long dup = c.record(A, 7, true, 1);
        assertThat(c.reply(dup)).containsExactly(0x60, 0x45, 0, 7);
        assertThat(c.reply(e)).containsExactly(0x60, 0x45, 0, 7);
    }

    @Test
    void largeAndInlineRepliesOfAnySize() {
        DeduplicationCache c = cache(10);
        for (int size : new int[] {1, DeduplicationCache.INLINE_REPLY - 1, DeduplicationCache.INLINE_REPLY,
                DeduplicationCache.INLINE_REPLY + 1, 1500}) {
            long e = c.record(A, size, true, 0);
            long neighbour = c.record(B, size, true, 0);
            byte[] reply = new byte[size];
            for (int i = 0; i < size; i++) {
                reply[i] = (byte) (i * 7 + size);
            }
            c.reply(neighbour, new byte[] {1, 2, 3}, 3);
            c.reply(e, reply, size);
            assertThat(c.reply(e)).as("size %d", size).isEqualTo(reply);
            assertThat(c.reply(neighbour)).containsExactly(1, 2, 3);
            c.reply(e, new byte[] {4}, 1); // a later reply replaces it (separate response after an empty ACK)
            assertThat(c.reply(e)).containsExactly(4);
        }
    }

    @Test
    void replyForAForgottenEntryIsIgnored() {
        DeduplicationCache c = cache(1);
        long old = c.record(A, 1, true, 0);
        long current = c.record(A, 2, true, 0); // evicts the first, reuses its slot
        c.reply(old, new byte[] {9}, 1);
        assertThat(c.reply(current)).isNull();
        assertThat(c.reply(old)).isNull();
        c.reply(DeduplicationCache.NO_ENTRY, new byte[] {9}, 1);
        assertThat(c.reply(current)).isNull();
        assertThat(c.reply(DeduplicationCache.NO_ENTRY)).isNull();
    }

    @Test
    void entriesExpireAfterTheirLifetime() {
        DeduplicationCache c = cache(10);
        c.record(A, 1, true, 0);
        c.record(A, 2, false, 0);
        c.expire(NON_LIFETIME - 1);
        assertThat(c.size()).isEqualTo(2);
        c.expire(NON_LIFETIME);
        assertThat(c.size()).isEqualTo(1);
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 2, false, NON_LIFETIME))).as("NON forgotten").isFalse();
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 1, true, CON_LIFETIME - 1))).isTrue();
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 1, true, CON_LIFETIME))).as("CON forgotten").isFalse();
    }

    @Test
    void expiryFollowsArrivalOrderPerType() {
        DeduplicationCache c = cache(100);
        for (int i = 0; i < 10; i++) {
            c.record(A, i, true, i * 10L);
            c.record(B, i, false, i * 10L);
        }
        c.expire(NON_LIFETIME + 35); // NON 0..3 gone
        assertThat(c.size()).isEqualTo(16);
        c.expire(CON_LIFETIME + 55); // CON 0..5 gone, every NON gone
        assertThat(c.size()).isEqualTo(4);
        for (int i = 0; i < 10; i++) {
            assertThat(DeduplicationCache.isDuplicate(c.record(A, i, true, CON_LIFETIME + 55))).isEqualTo(i > 5);
        }
    }

    @Test
    void fullCacheForgetsTheEntryThatWouldExpireFirst() {
        DeduplicationCache c = cache(3);
        c.record(A, 1, true, 0); // expires at 247 000
        c.record(A, 2, false, 0); // expires at 145 000: first
        c.record(A, 3, true, 1);
        c.record(A, 4, true, 2); // evicts the NON
        assertThat(c.size()).isEqualTo(3);
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 1, true, 3))).isTrue();
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 2, false, 3))).isFalse(); // evicts CON 1
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 1, true, 4))).isFalse(); // evicts the NON
        assertThat(DeduplicationCache.isDuplicate(c.record(A, 4, true, 5))).isTrue();
        assertThat(c.size()).isEqualTo(3);
    }

    @Test
    void growsUpToTheCapacityAndNoFurther() {
        int capacity = 5000; // several doublings from the initial 1024 slots, not a power of two
        DeduplicationCache c = cache(capacity);
        long[] handles = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            handles[i] = c.record(peer("10.1." + (i >> 8) + "." + (i & 0xFF), 40000), i & 0xFFFF, true, i);
            c.reply(handles[i], new byte[] {(byte) i}, 1);
        }
        assertThat(c.size()).isEqualTo(capacity);
        for (int i = 0; i < capacity; i++) {
            assertThat(c.reply(handles[i])).as("entry %d after growth", i).containsExactly((byte) i);
        }
        for (int i = 0; i < 1000; i++) {
            c.record(B, i, true, capacity + i);
        }
        assertThat(c.size()).isEqualTo(capacity);
        for (int i = 0; i < capacity; i++) {
            assertThat(c.reply(handles[i]) != null).as("entry %d", i).isEqualTo(i >= 1000);
        }
        for (int i = 1000; i < capacity; i++) {
            assertThat(DeduplicationCache.isDuplicate(c.record(peer("10.1." + (i >> 8) + "." + (i & 0xFF), 40000),
                    i & 0xFFFF, true, 2 * capacity))).as("entry %d", i).isTrue();
        }
    }

    @Test
    void steadyChurnKeepsFindingEveryEntry() {
        DeduplicationCache c = cache(100);
        for (int i = 0; i < 100_000; i++) {
            c.record(i % 3 == 0 ? V6 : A, i & 0xFFFF, true, i);
            if (i >= 100) {
                int back = i - 1 - (i * 31 % 50); // one of the 100 newest
                assertThat(DeduplicationCache.isDuplicate(c.record(back % 3 == 0 ? V6 : A, back & 0xFFFF,
                        true, i))).as("message %d at %d", back, i).isTrue();
            }
        }
        assertThat(c.size()).isEqualTo(100);
    }
}
