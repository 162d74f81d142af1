package dev.tern.coap.cluster.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.cluster.internal.ClusterKeys;
import dev.tern.coap.cluster.internal.ForwardFrame;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * The forwarding frame decoder on arbitrary datagrams from the internal port: it never throws,
 * what it accepts lies within the input, re-encoding what it accepted gives the same header, and
 * no input it did not produce itself authenticates.
 */
class ForwardFrameFuzzTest {
    private static final Mac MAC = new ClusterKeys("fuzzing secret, sixteen+".getBytes(StandardCharsets.UTF_8))
            .forwardingMac();

    @FuzzTest
    void parse(byte[] data) {
        ForwardFrame.Frame f = ForwardFrame.parse(data, data.length);
        if (ForwardFrame.authentic(data, data.length, MAC)) {
            throw new AssertionError("a fuzzed frame authenticated: " + Arrays.toString(data));
        }
        if (f == null) {
            return;
        }
        if (f.payloadOffset() < 0 || f.payloadLength() < 0
                || f.payloadOffset() + f.payloadLength() + ForwardFrame.MAC != data.length) {
            throw new AssertionError("payload outside the frame: " + f);
        }
        byte[] payload = Arrays.copyOfRange(data, f.payloadOffset(), f.payloadOffset() + f.payloadLength());
        byte[] out = new byte[ForwardFrame.maxSize(payload.length)];
        int n = ForwardFrame.encode(f.kind(), f.node(), f.sentAt(), f.client(), payload, payload.length, MAC, out);
        if (n != data.length || !Arrays.equals(out, 0, n - ForwardFrame.MAC, data, 0, n - ForwardFrame.MAC)) {
            throw new AssertionError("re-encoding differs: " + f);
        }
        if (!f.equals(ForwardFrame.parse(out, n)) || !ForwardFrame.authentic(out, n, MAC)) {
            throw new AssertionError("round trip failed: " + f);
        }
    }
}
