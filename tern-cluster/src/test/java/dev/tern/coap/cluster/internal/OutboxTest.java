package dev.tern.coap.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Batching on the internal port: frames for one node queued while the I/O thread handles a read
 * batch leave as one datagram when the loop runs its queued tasks; the bounds and the lone-frame
 * cases. A manual scheduler stands for the I/O loop.
 */
class OutboxTest {
    private static final ClusterKeys KEYS = new ClusterKeys("0123456789abcdef-cluster".getBytes(StandardCharsets.UTF_8));
    private static final InetSocketAddress NODE_2 = new InetSocketAddress("127.0.0.1", 7002);
    private static final InetSocketAddress NODE_3 = new InetSocketAddress("127.0.0.1", 7003);

    private final ManualLoop loop = new ManualLoop();
    private final List<byte[]> sent = new ArrayList<>();
    private final List<InetSocketAddress> to = new ArrayList<>();
    private final Outbox.Link link = new Outbox.Link() {
        @Override
        public int nodeId() {
            return 1;
        }

        @Override
        public void send(ByteBuffer frame, int n, InetSocketAddress destination) {
            sent.add(Arrays.copyOf(frame.array(), n));
            to.add(destination);
        }
    };

    /** Runs tasks when told, and is "the I/O thread" while {@code onThread}. */
    private static final class ManualLoop implements Scheduler {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        boolean onThread = true;

        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean inSchedulerThread() {
            return onThread;
        }

        void runTasks() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    private static byte[] record(int i, int length) {
        byte[] r = new byte[length];
        Arrays.fill(r, (byte) i);
        return r;
    }

    private static InetSocketAddress client(int i) {
        return new InetSocketAddress("10.0.0." + i, 5000 + i);
    }

    /** The frames of a sent batch, checked for its tag: {kind, first byte of the datagram} each. */
    private static List<int[]> frames(byte[] batch) {
        ForwardFrame.Codec codec = new ForwardFrame.Codec(KEYS.forwardingMac(), ForwardFrame.MAX_FRAMES);
        int n = codec.parse(batch, batch.length);
        assertThat(n).isPositive();
        assertThat(codec.authentic(batch, batch.length)).isTrue();
        assertThat(codec.node()).isEqualTo(1);
        List<int[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            frames.add(new int[] {codec.kind(i), batch[codec.offset(i)], codec.client(i).getPort()});
        }
        return frames;
    }

    @Test
    void framesForOneNodeDuringOneReadBatchLeaveAsOneDatagramWhenTheLoopRunsItsTasks() {
        Outbox out = new Outbox(link, loop, KEYS, 32, 8192);
        out.add(ForwardFrame.RECORD, 2, NODE_2, client(1), record(1, 40), 40);
        out.add(ForwardFrame.REPLY, 2, NODE_2, client(2), record(2, 40), 40);
        out.add(ForwardFrame.RECORD, 3, NODE_3, client(3), record(3, 40), 40);
        out.add(ForwardFrame.RECORD, 2, NODE_2, client(4), record(4, 40), 40);
        assertThat(sent).isEmpty();
        assertThat(loop.tasks).hasSize(1); // one flush task for the read batch
        loop.runTasks();
        assertThat(to).containsExactly(NODE_2, NODE_3);
        assertThat(frames(sent.get(0))).containsExactly(new int[] {1, 1, 5001}, new int[] {2, 2, 5002},
                new int[] {1, 4, 5004});
        assertThat(frames(sent.get(1))).containsExactly(new int[] {1, 3, 5003});
    }

    @Test
    void aLoneFrameLeavesAtTheEndOfItsReadBatchNotLater() {
        Outbox out = new Outbox(link, loop, KEYS, 32, 8192);
        out.add(ForwardFrame.RECORD, 2, NODE_2, client(1), record(1, 40), 40);
        loop.runTasks();
        assertThat(sent).hasSize(1);
        assertThat(frames(sent.get(0))).hasSize(1);
        loop.runTasks();
        assertThat(sent).hasSize(1); // nothing left over to send twice
        out.add(ForwardFrame.RECORD, 2, NODE_2, client(1), record(5, 40), 40);
        loop.runTasks();
        assertThat(sent).hasSize(2);
    }

    @Test
    void aBatchLeavesAtOnceAtMaxFramesAndBeforeItWouldPassMaxBytes() {
        Outbox out = new Outbox(link, loop, KEYS, 3, 600);
        for (int i = 1; i <= 4; i++) {
            out.add(ForwardFrame.RECORD, 2, NODE_2, client(i), record(i, 10), 10);
        }
        assertThat(sent).hasSize(1); // the third frame filled the batch
        assertThat(frames(sent.get(0))).hasSize(3);
        loop.runTasks();
        assertThat(frames(sent.get(1))).hasSize(1);
        sent.clear();
        for (int i = 1; i <= 5; i++) {
            out.add(ForwardFrame.RECORD, 2, NODE_2, client(i), record(i, 200), 200);
        }
        loop.runTasks();
        assertThat(sent).allSatisfy(b -> assertThat(b.length).isLessThanOrEqualTo(600));
        assertThat(sent.stream().mapToInt(b -> frames(b).size()).sum()).isEqualTo(5);
        assertThat(sent).hasSize(3); // 2 + 2 + 1 frames of 222 bytes within 600
    }

    @Test
    void aFrameTooBigForABatchOrSentFromAnotherThreadLeavesAloneAtOnce() {
        Outbox out = new Outbox(link, loop, KEYS, 32, 600);
        out.add(ForwardFrame.RECORD, 2, NODE_2, client(1), record(1, 1000), 1000);
        assertThat(sent).hasSize(1);
        assertThat(frames(sent.get(0))).hasSize(1);
        loop.onThread = false;
        out.add(ForwardFrame.REPLY, 2, NODE_2, client(2), record(2, 10), 10);
        assertThat(sent).hasSize(2);
        assertThat(loop.tasks).isEmpty();
    }

    @Test
    void theBoundsAreCheckedWhenTheClusterIsBuilt() {
        for (int[] bad : new int[][] {{0, 8192}, {256, 8192}, {32, 511}, {32, 65_508}}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.tern.coap.cluster.Cluster.builder()
                    .forwardBatch(bad[0], bad[1])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("forwardBatch");
        }
        assertThat(dev.tern.coap.cluster.Cluster.builder().forwardBatch(1, 512)).isNotNull();
    }
}
