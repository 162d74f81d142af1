package dev.tern.coap.cluster;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link Processes.Redis} for all the tests of a class: started before the first, stopped after
 * the last. Register as {@code @RegisterExtension static final SharedRedis redis = new SharedRedis();}.
 */
final class SharedRedis implements BeforeAllCallback, AfterAllCallback {
    private Processes.Redis redis;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        redis = new Processes.Redis();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (redis != null) {
            redis.close();
        }
    }

    /** The server's loopback port. */
    int port() {
        return redis.port;
    }

    /** The server's {@code redis://} URI. */
    String uri() {
        return redis.uri();
    }
}
