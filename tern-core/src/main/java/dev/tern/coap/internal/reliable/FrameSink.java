package dev.tern.coap.internal.reliable;

/** Hands the frames {@link FrameReader} cuts from one read to the layer, and reports refusals as 7.05 Abort. */
final class FrameSink implements FrameReader.Sink {
    private final ReliableLayer layer;
    private final ConnectionContext c;
    /** Frames handed out during the current read. */
    int frames;

    FrameSink(ReliableLayer layer, ConnectionContext c) {
        this.layer = layer;
        this.c = c;
    }

    @Override
    public boolean onFrame(byte[] buf, int offset, int length) {
        frames++;
        return layer.onFrame(c, buf, offset, length);
    }

    @Override
    public void onTooLarge(long claimed) {
        layer.abort(c, "message of " + claimed + " bytes exceeds Max-Message-Size "
                + layer.settings().maxMessageSize(), 0);
    }

    @Override
    public void onMalformed() {
        layer.abort(c, "malformed frame header (token length)", 0);
    }
}
