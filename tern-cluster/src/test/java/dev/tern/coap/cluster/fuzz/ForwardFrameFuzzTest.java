package dev.tern.coap.cluster.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.cluster.internal.ClusterKeys;
import dev.tern.coap.cluster.internal.ForwardFrame;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;

/**
 * The forwarding batch decoder on arbitrary datagrams from the internal port: it never throws,
 * the frames it accepts tile the input, re-encoding what it accepted gives the same bytes, and
 * no input it did not produce itself authenticates.
 */
class ForwardFrameFuzzTest {
    private static final Mac MAC = new ClusterKeys("fuzzing secret, sixteen+".getBytes(StandardCharsets.UTF_8))
            .forwardingMac();

    @FuzzTest
    void parse(byte[] data) {
        List<ForwardFrame.Frame> frames = ForwardFrame.parse(data, data.length);
        if (ForwardFrame.authentic(data, data.length, MAC)) {
            throw new AssertionError("a fuzzed batch authenticated: " + Arrays.toString(data));
        }
        if (frames == null) {
            return;
        }
        if (frames.isEmpty() || frames.size() > ForwardFrame.MAX_FRAMES) {
            throw new AssertionError("frame count out of bounds: " + frames);
        }
        int end = ForwardFrame.HEADER;
        for (ForwardFrame.Frame f : frames) {
            if (f.payloadOffset() <= end || f.payloadLength() < 0
                    || f.payloadOffset() + f.payloadLength() + ForwardFrame.MAC > data.length) {
                throw new AssertionError("payload outside the batch: " + f);
            }
            end = f.payloadOffset() + f.payloadLength();
        }
        if (end + ForwardFrame.MAC != data.length) {
            throw new AssertionError("frames do not tile the batch: " + frames);
        }
        ForwardFrame.Codec codec = new ForwardFrame.Codec(MAC, ForwardFrame.MAX_FRAMES);
        byte[] out = new byte[data.length];
        ForwardFrame.Frame first = frames.get(0);
        int p = codec.begin(first.node(), first.sentAt(), out);
        for (ForwardFrame.Frame f : frames) {
            byte[] payload = Arrays.copyOfRange(data, f.payloadOffset(), f.payloadOffset() + f.payloadLength());
            p = codec.append(out, p, f.kind(), f.client(), payload, payload.length);
        }
        int n = codec.finish(out, p, frames.size());
        if (n != data.length || !Arrays.equals(out, 0, n - ForwardFrame.MAC, data, 0, n - ForwardFrame.MAC)) {
            throw new AssertionError("re-encoding differs: " + frames);
        }
        if (!frames.equals(ForwardFrame.parse(out, n)) || !ForwardFrame.authentic(out, n, MAC)) {
            throw new AssertionError("round trip failed: " + frames);
        }
    }
}
