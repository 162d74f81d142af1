package dev.tern.coap;

import dev.tern.coap.internal.api.ApiAccess;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A source of change for an observable resource (RFC 7641 §4). The GET handler of the resource
 * calls {@link Request#observe(ObservableResource)} to register the requester; {@link #changed()} then
 * makes the server run the GET again for every observer and send the result as a notification.
 *
 * <pre>{@code
 * ObservableResource temperature = ObservableResource.create();
 * Router router = Router.builder()
 *     .get("/temp", temperature.handler(req -> Response.content(read())), RouteOptions.create().observable())
 *     .build();
 * temperature.changed();            // every observer gets a notification
 * }</pre>
 *
 * Notifications are Non-confirmable by default with a Confirmable one at least every
 * {@link EndpointConfig#conNotificationInterval()} notifications and every 24 hours (RFC 7641
 * §4.5); {@link #confirmable()} makes every notification Confirmable.
 */
public final class ObservableResource {
    private final boolean confirmable;
    private final CopyOnWriteArraySet<ApiAccess.Observer> listeners = new CopyOnWriteArraySet<>();

    private ObservableResource(boolean confirmable) {
        this.confirmable = confirmable;
    }

    /** A source whose notifications are NON, with a periodic CON (RFC 7641 §4.5). */
    public static ObservableResource create() {
        return new ObservableResource(false);
    }

    /** A source whose notifications are all CON. */
    public static ObservableResource confirmable() {
        return new ObservableResource(true);
    }

    /** Whether every notification is Confirmable. */
    public boolean isConfirmable() {
        return confirmable;
    }

    /** Notifies every observer: the server re-runs the GET for each and sends the response (RFC 7641 §4.2). */
    public void changed() {
        for (ApiAccess.Observer l : listeners) {
            l.changed();
        }
    }

    /**
     * Ends every observation with a final notification carrying {@code code}, e.g. 4.04 after the
     * resource was deleted (RFC 7641 §3.2, §4.2). {@code code} must not be 2.xx.
     */
    public void terminate(Code code) {
        if (code.isSuccess() || !code.isResponse()) {
            throw new IllegalArgumentException("terminate needs an error code: " + code);
        }
        Response r = Response.of(code);
        for (ApiAccess.Observer l : listeners) {
            l.terminate(r);
        }
    }

    /** The current number of observers. */
    public int observerCount() {
        return listeners.size();
    }

    /**
     * Wraps a GET handler so that it registers every GET with Observe=0 as an observer of this
     * source before answering (RFC 7641 §4.1).
     */
    public Service.Handler handler(Service.Handler get) {
        Objects.requireNonNull(get, "get");
        return request -> {
            request.observe(this);
            return get.handle(request);
        };
    }

    /** Engine use: adds a relation. */
    void addObserver(ApiAccess.Observer observer) {
        listeners.add(observer);
    }

    /** Engine use: removes a relation. */
    void removeObserver(ApiAccess.Observer observer) {
        listeners.remove(observer);
    }
}
