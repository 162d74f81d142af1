package dev.tern.coap.internal.blockwise;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a client holds, in all, for block-wise downloads in progress (RFC 7959 §2.4): at most
 * {@code maxBytes} ({@code EndpointConfig.maxClientBlockwiseBytes}). A download reserves the bytes
 * before it grows its buffer and gives them back when it ends, so a server can make the client
 * hold only what fits the budget, never what it announces. Thread-safe.
 */
final class DownloadBudget {
    private final long maxBytes;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicInteger downloads = new AtomicInteger();

    DownloadBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Reserves {@code bytes}; false, with nothing reserved, when the budget cannot hold them. */
    boolean reserve(long bytes) {
        while (true) {
            long now = reserved.get();
            if (now + bytes > maxBytes) {
                return false;
            }
            if (reserved.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back {@code bytes} reserved earlier. */
    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    void opened() {
        downloads.incrementAndGet();
    }

    void closed() {
        downloads.decrementAndGet();
    }

    /** Downloads in progress. */
    int downloads() {
        return downloads.get();
    }

    /** Bytes reserved by downloads in progress. */
    long reserved() {
        return reserved.get();
    }

    /** The budget. */
    long maxBytes() {
        return maxBytes;
    }
}
