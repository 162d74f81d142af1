package dev.tern.coap.interop;

import com.mbed.coap.exception.CoapException;
import com.mbed.coap.packet.CoapPacket;
import com.mbed.coap.packet.CoapTcpPacketSerializer;
import com.mbed.coap.transport.BlockingCoapTransport;
import com.mbed.coap.transport.CoapTcpListener;
import com.mbed.coap.transport.CoapTcpTransport;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A listening coap+tcp transport for java-coap's server (RFC 8323 §3): java-coap 6.21 ships only a
 * client socket transport, so this test accepts connections on loopback itself and hands each frame,
 * parsed by java-coap's own {@link CoapTcpPacketSerializer}, to java-coap's dispatcher, which sends
 * its CSM on {@link CoapTcpListener#onConnected} and answers signaling. Blocking sockets, a thread
 * per connection: a test peer, not a server.
 */
final class JavaCoapServerTransport extends BlockingCoapTransport implements CoapTcpTransport {
    private final Map<InetSocketAddress, OutputStream> connections = new ConcurrentHashMap<>();
    private final BlockingQueue<CoapPacket> received = new LinkedBlockingQueue<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "java-coap-tcp-server");
        t.setDaemon(true);
        return t;
    });
    private volatile CoapTcpListener listener;
    private volatile ServerSocket serverSocket;
    private volatile boolean running;

    @Override
    public void setListener(CoapTcpListener listener) {
        this.listener = listener;
    }

    @Override
    public void start() throws IOException {
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        running = true;
        threads.execute(this::acceptLoop);
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket s = serverSocket.accept();
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed by stop()
            }
        }
    }

    private void serve(Socket socket) {
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        try (socket) {
            connections.put(remote, new BufferedOutputStream(socket.getOutputStream()));
            listener.onConnected(remote); // java-coap sends its CSM first (RFC 8323 §5.3)
            InputStream in = new BufferedInputStream(socket.getInputStream());
            while (running) {
                received.add(CoapTcpPacketSerializer.deserialize(remote, in));
            }
        } catch (EOFException | CoapException e) {
            // the peer closed, or sent what java-coap cannot parse: the connection ends
        } catch (IOException e) {
            // reset or stopped
        } finally {
            connections.remove(remote);
            listener.onDisconnected(remote);
        }
    }

    @Override
    public CompletableFuture<CoapPacket> receive() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                while (running) {
                    CoapPacket p = received.poll(100, TimeUnit.MILLISECONDS);
                    if (p != null) {
                        return p;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UncheckedIOException(new IOException("transport stopped"));
        }, threads);
    }

    @Override
    public void sendPacket0(CoapPacket packet) throws CoapException, IOException {
        OutputStream out = connections.get(packet.getRemoteAddress());
        if (out == null) {
            throw new IOException("no connection with " + packet.getRemoteAddress());
        }
        synchronized (out) {
            CoapTcpPacketSerializer.writeTo(out, packet);
            out.flush();
        }
    }

    @Override
    public InetSocketAddress getLocalSocketAddress() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    @Override
    public void stop() {
        running = false;
        try {
            serverSocket.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
