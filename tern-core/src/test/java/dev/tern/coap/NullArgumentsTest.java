package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every public entry point of the sampled API types rejects a null argument with
 * {@code Objects.requireNonNull(x, "name")}: a {@link NullPointerException} raised by
 * {@link java.util.Objects} itself, at the call, with the parameter's name (issue 16), rather than
 * a failure later, deep inside the engine.
 */
class NullArgumentsTest {

    @Test
    void publicEntryPointsRejectNullAtTheCall() throws Exception {
        List<String> misses = new ArrayList<>();
        try (CoapClient client = CoapClient.create()) {
            check(client, CoapClient.class, "coap://127.0.0.1:1/a", misses);
            check(CoapClient.builder(), CoapClient.Builder.class, "coap://127.0.0.1:1/a", misses);
        }
        check(CoapServer.builder(), CoapServer.Builder.class, "127.0.0.1", misses);
        check(null, Request.class, "coap://h/a", misses);
        check(Request.get("coap://h/a").build(), Request.class, "coap://h/a", misses);
        check(Request.get("coap://h/a"), Request.Builder.class, "coap://h/a", misses);
        check(null, Response.class, "text", misses);
        check(Response.of(Code.CONTENT), Response.class, "text", misses);
        check(Response.builder(Code.CONTENT), Response.Builder.class, "text", misses);
        check(Router.builder(), Router.Builder.class, "/a", misses);
        check(null, Options.class, "a", misses);
        check(Options.EMPTY, Options.class, "a", misses);
        check(Options.builder(), Options.Builder.class, "a", misses);
        check(null, CoapUri.class, "coap://h/a", misses);
        check(CoapUri.parse("coap://h/a"), CoapUri.class, "coap://h/a", misses);
        check(null, Link.class, "/a", misses);
        check(Link.builder("/a"), Link.Builder.class, "x", misses);
        assertThat(misses).as("entry points that do not requireNonNull their argument").isEmpty();
    }

    /** Calls every public method of {@code type} (static when {@code target} is null) with one null at a time. */
    private static void check(Object target, Class<?> type, String text, List<String> misses) throws Exception {
        for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.getName().equals("equals")
                    || Modifier.isStatic(m.getModifiers()) != (target == null)
                    // set by the engine, null for a peer without a security session (plain coap)
                    || (type == Request.Builder.class && m.getName().equals("peerIdentity"))) {
                continue;
            }
            Class<?>[] params = m.getParameterTypes();
            for (int i = 0; i < params.length; i++) {
                if (params[i].isPrimitive()) {
                    continue;
                }
                Object[] args = new Object[params.length];
                boolean known = true;
                for (int j = 0; j < params.length; j++) {
                    if (j != i) {
                        args[j] = sample(params[j], text);
                        known &= args[j] != null;
                    }
                }
                if (!known) {
                    continue;
                }
                String where = type.getSimpleName() + "." + m.getName() + " arg " + i;
                try {
                    m.invoke(target, args);
                    misses.add(where + ": accepted null");
                } catch (InvocationTargetException e) {
                    Throwable t = e.getCause();
                    boolean explicit = t instanceof NullPointerException && t.getStackTrace().length > 0
                            && t.getStackTrace()[0].getClassName().equals("java.util.Objects") && t.getMessage() != null;
                    if (!explicit) {
                        misses.add(where + ": " + t);
                    }
                }
            }
        }
    }

    private static Object sample(Class<?> c, String text) {
        if (c == String.class) {
            return text;
        }
        if (c == String[].class) {
            return new String[] {"x"};
        }
        if (c == int[].class) {
            return new int[] {0};
        }
        if (c == byte[].class) {
            return new byte[] {1};
        }
        if (c == Object.class) {
            return "x";
        }
        Map<Class<?>, Object> values = Map.ofEntries(
                Map.entry(Bytes.class, Bytes.utf8("x")), Map.entry(Duration.class, Duration.ofSeconds(1)),
                Map.entry(Code.class, Code.CONTENT), Map.entry(Method.class, Method.GET),
                Map.entry(MessageType.class, MessageType.CON),
                Map.entry(InetSocketAddress.class, new InetSocketAddress("127.0.0.1", 5683)),
                Map.entry(InetAddress.class, InetAddress.getLoopbackAddress()),
                Map.entry(Request.class, Request.get("coap://h/a").build()), Map.entry(Response.class, Response.of(Code.CONTENT)),
                Map.entry(Option.class, Option.ofUint(OptionNumber.ACCEPT, 0)), Map.entry(Options.class, Options.EMPTY),
                Map.entry(EndpointConfig.class, EndpointConfig.defaults()), Map.entry(RouteOptions.class, RouteOptions.create()),
                Map.entry(Optional.class, Optional.empty()), Map.entry(Link.class, Link.of("/a")),
                Map.entry(CoapUri.class, CoapUri.parse("coap://h/a")), Map.entry(List.class, List.of()),
                Map.entry(Collection.class, List.of()), Map.entry(Consumer.class, (Consumer<Object>) x -> { }),
                Map.entry(Function.class, Function.identity()), Map.entry(Supplier.class, (Supplier<Object>) () -> "x"),
                Map.entry(Service.class, (Service) r -> CompletableFuture.completedFuture(Response.of(Code.CONTENT))));
        Object v = values.get(c);
        if (v != null) {
            return v;
        }
        if (c.isInterface()) {
            return Proxy.newProxyInstance(c.getClassLoader(), new Class<?>[] {c}, (p, method, a) -> null);
        }
        return null;
    }
}
