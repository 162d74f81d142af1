package dev.tern.coap.internal.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.spi.Scheduler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link UdpEventLoop#watch}: a second channel read on the loop's own thread (cluster forwarding
 * receives its internal port so), beside the loop's socket, until the watch is cancelled.
 */
class UdpEventLoopWatchTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void aWatchedChannelIsReadOnTheLoopThreadBesideTheSocketUntilCancelled() throws Exception {
        UdpEventLoop loop = new UdpEventLoop(LOOPBACK, 0, "watch-test");
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicInteger offThread = new AtomicInteger();
        AtomicInteger wakeUps = new AtomicInteger();
        try (DatagramChannel second = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramSocket peer = new DatagramSocket(LOOPBACK)) {
            second.bind(LOOPBACK).configureBlocking(false);
            loop.start((data, length, source, multicast) -> received.add("socket " + new String(data, 0, length)));
            Scheduler.Cancellable watch = loop.watch(second, () -> {
                wakeUps.incrementAndGet();
                if (!loop.inSchedulerThread()) {
                    offThread.incrementAndGet();
                }
                ByteBuffer in = ByteBuffer.allocate(100);
                try {
                    while (second.receive(in.clear()) != null) {
                        received.add("watched " + new String(in.array(), 0, in.position()));
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            send(peer, second.getLocalAddress(), "1");
            send(peer, loop.localAddress(), "2");
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
            assertThat(received).containsExactlyInAnyOrder("watched 1", "socket 2");
            assertThat(offThread).hasValue(0);

            watch.cancel();
            java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
            loop.execute(cancelled::countDown); // tasks run in order: the cancellation has taken effect
            assertThat(cancelled.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            int before = wakeUps.get();
            send(peer, second.getLocalAddress(), "3");
            send(peer, loop.localAddress(), "4");
            await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("socket 4"));
            assertThat(received).doesNotContain("watched 3");
            assertThat(wakeUps).hasValue(before);
            ByteBuffer left = ByteBuffer.allocate(100);
            assertThat(second.receive(left)).as("the datagram waits, unread, in the channel").isNotNull();
        } finally {
            loop.close();
        }
    }

    private static void send(DatagramSocket from, java.net.SocketAddress to, String text) throws Exception {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(b, b.length, to));
    }
}
