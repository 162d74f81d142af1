package dev.tern.coap;

/**
 * Told after each block of a block-wise transfer (RFC 7959) how much of the body has moved, e.g.
 * for a progress bar. Runs on the client's I/O thread: keep it quick.
 */
@FunctionalInterface
public interface TransferProgress {
    /**
     * @param bytes bytes of the body sent (Block1) or received (Block2) so far
     * @param total the whole body's size when known (the upload's length, or Size2), else -1
     */
    void progress(long bytes, long total);
}
