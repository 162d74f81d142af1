package dev.tern.coap.internal.reliable;

import dev.tern.coap.internal.codec.ReliableFraming;
import java.util.Arrays;

/**
 * Cuts a byte stream into RFC 8323 §3.2 frames. Bytes of a frame are only buffered once its
 * header is complete and its claimed length is within the limit: no allocation is sized by a
 * peer's claim, and the buffer never holds more than one frame (at most {@code maxFrame} bytes)
 * plus the header bytes of the next. Frames wholly inside a received chunk are handed out in
 * place, without a copy.
 */
final class FrameReader {
    /** Where the frames go. */
    interface Sink {
        /** One whole frame; {@code buf} is only valid during the call. Returns false to stop reading. */
        boolean onFrame(byte[] buf, int offset, int length);

        /** A header claims {@code claimed} bytes, more than the limit (RFC 8323 §5.3.1). */
        void onTooLarge(long claimed);

        /** A header has no valid encoding (TKL 9..12 or 15). */
        void onMalformed();
    }

    /** Buffers up to this size are kept for the next partial frame. */
    private static final int KEEP = 2048;
    private static final byte[] NONE = new byte[0];
    private final int maxFrame;
    private byte[] buffer = NONE;
    private int fill;

    FrameReader(int maxFrame) {
        this.maxFrame = maxFrame;
    }

    /**
     * Reads {@code length} bytes; returns false when the stream must stop (a sink said so, or the
     * input is refused), true otherwise.
     */
    boolean read(byte[] data, int offset, int length, Sink sink) {
        int p = offset;
        int end = offset + length;
        if (fill > 0) {
            // complete the buffered frame first: append only what it still needs
            while (p < end) {
                long need = ReliableFraming.frameLength(buffer, 0, fill);
                if (need == ReliableFraming.MALFORMED) {
                    sink.onMalformed();
                    return false;
                }
                if (need > maxFrame) {
                    sink.onTooLarge(need);
                    return false;
                }
                int want = need == ReliableFraming.NEED_MORE ? fill + 1 : (int) need;
                if (want <= fill) {
                    break; // complete already (cannot happen: handled below)
                }
                int take = Math.min(want - fill, end - p);
                ensure(fill + take);
                System.arraycopy(data, p, buffer, fill, take);
                fill += take;
                p += take;
                if (need != ReliableFraming.NEED_MORE && fill == need) {
                    int n = fill;
                    fill = 0;
                    boolean more = sink.onFrame(buffer, 0, n);
                    if (buffer.length > KEEP) {
                        buffer = NONE; // an idle connection holds no large buffer
                    }
                    if (!more) {
                        return false;
                    }
                    break;
                }
            }
            if (fill > 0) {
                return true; // everything went into the partial frame
            }
        }
        while (p < end) {
            long need = ReliableFraming.frameLength(data, p, end - p);
            if (need == ReliableFraming.MALFORMED) {
                sink.onMalformed();
                return false;
            }
            if (need > maxFrame) {
                sink.onTooLarge(need);
                return false;
            }
            if (need == ReliableFraming.NEED_MORE || need > end - p) {
                // keep the start of a frame whose header says it fits
                int rest = end - p;
                ensure(rest);
                System.arraycopy(data, p, buffer, 0, rest);
                fill = rest;
                return true;
            }
            if (!sink.onFrame(data, p, (int) need)) {
                return false;
            }
            p += (int) need;
        }
        return true;
    }

    /** Whether part of a frame is buffered (the peer owes the rest). */
    boolean partial() {
        return fill > 0;
    }

    /** Bytes buffered. */
    int buffered() {
        return fill;
    }

    private void ensure(int size) {
        if (buffer.length < size) {
            // grow by doubling up to the frame's own (checked) size, never beyond maxFrame + header
            buffer = Arrays.copyOf(buffer, Math.min(Math.max(size, 2 * buffer.length), Math.max(size, maxFrame)));
        }
    }
}
