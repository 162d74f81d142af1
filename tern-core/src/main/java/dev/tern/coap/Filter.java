package dev.tern.coap;

import java.util.concurrent.CompletableFuture;

/**
 * Wraps a {@link Service}: it may change the request, answer by itself, or change the response.
 * Filters compose: {@code logging.andThen(auth).then(router)}.
 */
@FunctionalInterface
public interface Filter {
    /** Handles {@code request}, usually by calling {@code next}. */
    CompletableFuture<Response> filter(Request request, Service next);

    /** This filter in front of {@code service}. */
    default Service then(Service service) {
        return request -> filter(request, service);
    }

    /** This filter, then {@code next}, then the service. */
    default Filter andThen(Filter next) {
        return (request, service) -> filter(request, next.then(service));
    }
}
