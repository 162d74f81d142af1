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
 * coaps+tcp handshakes per second (RFC 8323 §9.1): a load of {@code threads} blocking BouncyCastle
 * TLS clients, each connecting, completing a full handshake, and closing, in a loop, against Tern's
 * {@code coaps+tcp} listener in this JVM or a server already listening on {@code --port} (Tern's
 * {@code --serve} in another JVM, or e.g. {@code coap-server-openssl -k KEY}, TLS on its port + 1).
 * {@code --mode}: {@code psk} (TLS 1.2 PSK, default), {@code psk13} (TLS 1.3 external PSK with
 * ECDHE), {@code rpk} (TLS 1.3 raw public keys, RFC 7250, server key only).
 *
 * <pre>
 * TlsPskHandshakes [--port P (default: start Tern)] [--mode psk|psk13|rpk] [--threads 8] [--seconds 10] [--warmup 3]
 * TlsPskHandshakes --serve PORT       (a Tern PSK + raw-public-key coaps+tcp server, until killed)
 * </pre>
 */
public final class TlsPskHandshakes {
    static final String IDENTITY = "bench";
    static final String KEY = "bench-secret-psk";
    /** The cipher suite the last TLS 1.2 PSK handshake negotiated, shown with the result. */
    static final java.util.concurrent.atomic.AtomicInteger SUITE = new java.util.concurrent.atomic.AtomicInteger(-1);

    private TlsPskHandshakes() {
    }

    public static void main(String[] args) throws Exception {
        int port = -1;
        int threads = 8;
        int seconds = 10;
        int warmup = 3;
        String mode = "psk";
        int serve = -1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--mode" -> mode = args[i + 1];
                case "--serve" -> serve = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (serve >= 0) {
            CoapServer s = server(serve);
            System.out.println("serving coaps+tcp PSK + RPK on port " + s.localAddress("coaps+tcp").getPort());
            Thread.sleep(Long.MAX_VALUE);
        }
        CoapServer server = port < 0 ? server(0) : null;
        if (server != null) {
            port = server.localAddress("coaps+tcp").getPort();
        }
        try {
            run(port, threads, warmup, false, mode);
            double rate = run(port, threads, seconds, true, mode);
            System.out.printf("coaps+tcp %s handshakes/s: %.0f (%d threads, %d s, port %d%s%s)%n", mode, rate, threads,
                    seconds, port, server != null ? ", Tern in this JVM" : "",
                    SUITE.get() < 0 ? "" : String.format(", suite 0x%04X", SUITE.get()));
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Tern's coaps+tcp listener with the bench PSK and a raw public key, on {@code port} (0: any). */
    private static CoapServer server(int port) {
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        return CoapServer.builder().port(0).bind("127.0.0.1")
                .service(Router.builder().get("/", req -> Response.content("x")).build())
                .listener(TlsTransports.builder().bind(InetAddress.getLoopbackAddress()).port(port)
                        .config(TlsConfig.builder().pskStore(id -> IDENTITY.equals(id) ? key.clone() : null)
                                .rawPublicKey(RpkBenchClient.keyPair()).build())
                        .buildServer())
                .build().start();
    }

    private static double run(int port, int threads, int seconds, boolean report, String mode)
            throws InterruptedException {
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
                        protocol.connect(client(crypto, mode));
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

    private static org.bouncycastle.tls.TlsClient client(TlsCrypto crypto, String mode) {
        return switch (mode) {
            case "psk" -> new PSKTlsClient(crypto, new BasicTlsPSKIdentity(IDENTITY, KEY.getBytes(StandardCharsets.UTF_8))) {
                @Override
                protected ProtocolVersion[] getSupportedVersions() {
                    return ProtocolVersion.TLSv12.only();
                }

                @Override
                public void notifyHandshakeComplete() throws IOException {
                    super.notifyHandshakeComplete();
                    SUITE.set(context.getSecurityParametersConnection().getCipherSuite());
                }
            };
            case "psk13" -> RpkBenchClient.psk13(crypto, IDENTITY, KEY.getBytes(StandardCharsets.UTF_8));
            case "rpk" -> RpkBenchClient.rpk(crypto);
            default -> throw new IllegalArgumentException("--mode psk|psk13|rpk: " + mode);
        };
    }
}
