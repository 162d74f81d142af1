package dev.tern.coap.oscore.bench;

import java.net.InetSocketAddress;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.oscore.OSCoreCtx;

/** Californium 3.13's server for {@link OscoreBench}, with cf-oscore's stack or without. */
final class CaliforniumServer {
    private CaliforniumServer() {
    }

    static AutoCloseable start(boolean oscore, int port) throws Exception {
        CoapConfig.register();
        UdpConfig.register();
        CoapEndpoint.Builder eb = new CoapEndpoint.Builder().setConfiguration(Configuration.createStandardWithoutFile())
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", port));
        if (oscore) {
            HashMapCtxDB db = new HashMapCtxDB();
            for (int i = 0; i < OscoreBench.CLIENTS; i++) {
                db.addContext(new OSCoreCtx(OscoreBench.SECRET.toArray(), false, AlgorithmID.AES_CCM_16_64_128,
                        OscoreBench.SERVER_ID.toArray(), OscoreBench.clientId(i).toArray(), AlgorithmID.HKDF_HMAC_SHA_256,
                        64, OscoreBench.SALT.toArray(), null, 4096));
            }
            eb.setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(db);
        }
        CoapServer server = new CoapServer(Configuration.createStandardWithoutFile());
        server.addEndpoint(eb.build());
        server.add(new CoapResource("hello") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond("Hello World!");
            }
        });
        server.start();
        return server::destroy;
    }
}
