package dev.tern.coap.bench;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.tcp.TlsConfig;
import dev.tern.coap.tcp.TlsTransports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * coaps+tcp PSK handshakes per second (RFC 8323 §9.1, TLS 1.2 PSK): a load of {@code threads}
 * blocking BouncyCastle TLS clients, each connecting, completing a full handshake, and closing, in
 * a loop, against Tern's {@code coaps+tcp} PSK listener in this JVM ({@code tern}) or a server
 * already listening on {@code --port} (e.g. {@code coap-server-openssl -k KEY}, TLS on its port + 1).
 *
 * <pre>
 * TlsPskHandshakes [--port P (default: start Tern)] [--threads 8] [--seconds 10] [--warmup 3]
 * </pre>
 */
public final class TlsPskHandshakes {
    static final String IDENTITY = "bench";
    static final String KEY = "bench-secret-psk";

    private TlsPskHandshakes() {
    }

    public static void main(String[] args) throws Exception {
        int port = -1;
        int threads = 8;
        int seconds = 10;
        int warmup = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        CoapServer server = null;
        if (port < 0) {
            byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
            server = CoapServer.builder().port(0).bind("127.0.0.1")
                    .service(Router.builder().get("/", req -> Response.content("x")).build())
                    .listener(TlsTransports.builder().bind(InetAddress.getLoopbackAddress()).port(0)
                            .config(TlsConfig.builder().pskStore(id -> IDENTITY.equals(id) ? key.clone() : null).build())
                            .buildServer())
                    .build().start();
            port = server.localAddress("coaps+tcp").getPort();
        }
        try {
            run(port, threads, warmup, false);
            double rate = run(port, threads, seconds, true);
            System.out.printf("coaps+tcp PSK handshakes/s: %.0f (%d threads, %d s, port %d%s)%n", rate, threads, seconds,
                    port, server != null ? ", Tern in this JVM" : "");
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static double run(int port, int threads, int seconds, boolean report) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        TlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        s.setTcpNoDelay(true);
                        TlsClientProtocol protocol = new TlsClientProtocol(s.getInputStream(), s.getOutputStream());
                        protocol.connect(new PSKTlsClient(crypto, new BasicTlsPSKIdentity(IDENTITY,
                                KEY.getBytes(StandardCharsets.UTF_8))) {
                            @Override
                            protected ProtocolVersion[] getSupportedVersions() {
                                return ProtocolVersion.TLSv12.only();
                            }
                        });
                        protocol.close();
                        done.incrementAndGet();
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        long start = System.nanoTime();
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (report && failed.get() > 0) {
            System.out.println("failed handshakes: " + failed.get());
        }
        return done.get() / elapsed;
    }
}
