package dev.tern.coap;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A description of one resource of a {@link Router}, for listing and for link-format discovery
 * (RFC 6690 §2, RFC 7252 §7.2): its path template, the methods it handles and its target attributes.
 *
 * @param pathTemplate the template as first registered, e.g. {@code /sensors/{id}}
 * @param methods the methods with a handler (every method for {@link Router.Builder#any})
 * @param attributes the link-format attributes ({@code title}, {@code rt}, {@code if}, {@code ct},
 *     {@code obs}, ...) merged over the routes of this resource; an empty value means no value
 */
public record RouteInfo(String pathTemplate, Set<Method> methods, Map<String, String> attributes) {
    /** Copies the collections (RFC 6690 §2). */
    public RouteInfo {
        Objects.requireNonNull(pathTemplate, "pathTemplate");
        EnumSet<Method> m = EnumSet.noneOf(Method.class);
        m.addAll(methods);
        methods = Collections.unmodifiableSet(m);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
