package dev.tern.coap.cli;

import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import java.util.concurrent.TimeUnit;

/** Calls a service directly, without a server. */
final class Services {
    private Services() {
    }

    static Response call(Service service, Request request) {
        try {
            return service.handle(request).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("service failed for " + request, e);
        }
    }

    static Request.Builder req(dev.tern.coap.Method method, String path) {
        return Request.builder(method, "coap://localhost" + path);
    }
}
