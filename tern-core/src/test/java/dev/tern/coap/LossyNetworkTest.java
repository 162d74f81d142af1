package dev.tern.coap;

import dev.tern.coap.testkit.LossyPath;
import dev.tern.coap.testkit.LossyRelay;
import dev.tern.coap.testkit.LossyRelay.Impairment;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The lossy-network scenarios through a {@link LossyRelay} in the test JVM. */
class LossyNetworkTest extends LossyNetworkScenarios {
    @Override
    protected LossyPath openRelay(InetSocketAddress server, Impairment impairment, long seed) throws IOException {
        return LossyRelay.start(server, impairment, seed);
    }
}
