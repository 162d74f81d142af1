package dev.tern.coap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

/**
 * Routes requests to handlers by path template and method (RFC 7252 §5.7, §5.8); itself a
 * {@link Service}.
 *
 * <pre>{@code
 * Router router = Router.builder()
 *     .get("/hello", req -> Response.content("Hello World!"))
 *     .put("/sensors/{id}", req -> Response.of(Code.CHANGED))
 *     .get("/files/{path*}", req -> Response.content(req.pathParam("path").orElseThrow()))
 *     .get("/temp", handler, RouteOptions.create().produces(ContentFormat.JSON).observable())
 *     .filter(loggingFilter)
 *     .build();
 * }</pre>
 *
 * <h2>Path templates</h2>
 * A template is a path of {@code /}-separated segments matched against the Uri-Path options
 * (RFC 7252 §5.10.1, §6.4):
 * <ul>
 *   <li>a literal segment matches itself exactly (case-sensitive, as Uri-Path values are not
 *       percent-encoded, no decoding takes place);</li>
 *   <li>{@code {name}} matches any one segment and binds it, see {@link Request#pathParam(String)};</li>
 *   <li>a last segment {@code {name*}} matches the rest of the path, zero or more segments, and binds
 *       them joined with {@code /} (an empty string when nothing is left); a last segment {@code **}
 *       does the same without binding anything.</li>
 * </ul>
 * Empty segments are ignored, both in templates and in requests: {@code /a/}, {@code /a} and
 * {@code a} are the same template, and a request for {@code /a/} (Uri-Path {@code "a"}, {@code ""})
 * or {@code //a} matches it. The template {@code /} matches a request without Uri-Path.
 *
 * <h2>Selection</h2>
 * Of the templates that match the path, the most specific one that has a handler for the method
 * wins: templates are compared segment by segment from the left, and at the first difference a
 * literal beats {@code {name}}, which beats a rest segment; a template that ends beats one whose rest
 * segment matches nothing. A handler registered for the method beats one registered with
 * {@link Builder#any}. When some template matches the path but none has a handler for the method,
 * the answer is 4.05 Method Not Allowed (RFC 7252 §5.9.2.6); when no template matches, 4.04 Not
 * Found (RFC 7252 §5.9.2.5). Neither calls a handler, and both are seen by the filters.
 *
 * <h2>Resource discovery</h2>
 * Unless turned off with {@link Builder#wellKnownCore(boolean)}, the router answers
 * {@code GET /.well-known/core} itself (RFC 6690 §4, RFC 7252 §7.2) with 2.05 and an
 * {@code application/link-format} document listing every route whose template is a concrete path
 * (templates with {@code {name}}, {@code {name*}} or {@code **} name no single resource: they are
 * listed only through the instances their {@link RouteOptions#links} supplier names), with the
 * attributes of its {@link RouteOptions}, in registration order; the query
 * filter of RFC 6690 §4.1 applies ({@code ?rt=temperature-c}, {@code ?href=/sensors*}, see
 * {@link LinkFormat#matches}). {@code /.well-known/core} does not list itself, and does not appear
 * in {@link #routes()}. A route registered for {@code /.well-known/core} replaces the generated one.
 *
 * <h2>Group requests</h2>
 * A request that came to a multicast group ({@link Request#isMulticast()}) reaches only a handler
 * whose {@link RouteOptions#multicast(boolean)} is on (RFC 7252 §11.3: limit multicast support to
 * the resources that need it); any other is answered 4.04 without calling the handler, and the
 * engine sends no error to a group (§8.1), so the request is silently ignored. Out of the box only
 * the generated {@code GET /.well-known/core} opts in (RFC 7252 §7.2); a route registered for
 * {@code /.well-known/core} must opt in itself.
 *
 * <h2>Failures</h2>
 * The router never turns a handler's failure into a response: an exception thrown by a handler or a
 * filter, or a failed future, comes back as a failed future, which the server engine answers with
 * 5.00 (RFC 7252 §5.9.3.1). {@link #handle} never throws (except a {@link VirtualMachineError}) and
 * never returns {@code null}.
 */
public final class Router implements Service {
    private static final Method[] METHODS = Method.values();

    private final Map<List<String>, Resource> literals;
    private final Resource[] patterns;
    private final Service chain;
    private final List<RouteInfo> routes;
    private final WellKnownCore discovery;

    private Router(Map<List<String>, Resource> literals, Resource[] patterns, List<Filter> filters,
                   List<RouteInfo> routes, WellKnownCore discovery) {
        this.literals = literals;
        this.patterns = patterns;
        this.routes = routes;
        this.discovery = discovery;
        Service s = this::dispatch;
        for (int i = filters.size() - 1; i >= 0; i--) {
            s = filters.get(i).then(s);
        }
        this.chain = s;
    }

    /** A new builder (RFC 7252 §5.7.2: a server routes requests to its resources). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Routes {@code request} through the filters to the handler of the matching route, or answers
     * 4.04 (RFC 7252 §5.9.2.5), 4.05 (§5.9.2.6), 4.06 (§5.9.2.7, §5.10.4) or 4.15 (§5.9.2.10) by
     * itself. Never returns {@code null}; failures of handlers and filters come back as a failed future.
     */
    @Override
    public CompletableFuture<Response> handle(Request request) {
        try {
            CompletableFuture<Response> f = chain.handle(request);
            return f != null ? f : CompletableFuture.failedFuture(new NullPointerException("filter returned null"));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The resources in the order they were first registered, with their methods and link-format
     * attributes (RFC 6690 §2, RFC 7252 §7.2).
     */
    public List<RouteInfo> routes() {
        return routes;
    }

    /**
     * The links {@code /.well-known/core} lists now (RFC 6690 §4, RFC 7252 §7.2): one per route whose
     * template has only literal segments, and those that {@link RouteOptions#links} supply, in
     * registration order, with the route's attributes; see {@link Builder#wellKnownCore(boolean)}.
     * Empty when discovery is off or served by an own route.
     */
    public List<Link> links() {
        return discovery == null ? List.of() : discovery.links();
    }

    /** {@code Router[/a GET, /b/{id} GET PUT]}. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "Router[", "]");
        for (RouteInfo r : routes) {
            StringJoiner m = new StringJoiner(" ", r.pathTemplate() + " ", "");
            r.methods().forEach(x -> m.add(x.wireName()));
            j.add(m.toString());
        }
        return j.toString();
    }

    private CompletableFuture<Response> dispatch(Request request) {
        List<String> path = withoutEmptySegments(request.pathSegments());
        Method method = request.method();
        boolean pathKnown = false;
        Resource literal = literals.get(path);
        if (literal != null) {
            Endpoint e = literal.endpoint(method);
            if (e != null) {
                return take(request, literal.template, e, path);
            }
            pathKnown = true;
        }
        for (Resource r : patterns) {
            if (r.template.matches(path)) {
                Endpoint e = r.endpoint(method);
                if (e != null) {
                    return take(request, r.template, e, path);
                }
                pathKnown = true;
            }
        }
        return answer(pathKnown ? Code.METHOD_NOT_ALLOWED : Code.NOT_FOUND);
    }

    /**
     * Tells the request's route recorder (the server's metrics) the template, unless the route
     * ignores group requests and this is one (its 4.04 is no route's answer), then invokes {@code e}.
     */
    private static CompletableFuture<Response> take(Request request, RouteTemplate template, Endpoint e,
                                                    List<String> path) {
        if (!request.isMulticast() || e.group != RouteOptions.GROUP_IGNORED) {
            request.routed(template.source);
        }
        return e.invoke(request, path);
    }

    private static CompletableFuture<Response> answer(Code code) {
        return CompletableFuture.completedFuture(Response.of(code));
    }

    private static List<String> withoutEmptySegments(List<String> path) {
        for (int i = 0; i < path.size(); i++) {
            if (path.get(i).isEmpty()) {
                List<String> r = new ArrayList<>(path.size() - 1);
                for (String s : path) {
                    if (!s.isEmpty()) {
                        r.add(s);
                    }
                }
                return r;
            }
        }
        return path;
    }

    private static boolean contains(int[] formats, int format) {
        for (int f : formats) {
            if (f == format) {
                return true;
            }
        }
        return false;
    }

    /** One registered handler with its own template (for parameter names) and negotiation. */
    private static final class Endpoint {
        final RouteTemplate template;
        final Service service;
        final int[] produces;
        final int[] consumes;
        final int group;

        Endpoint(RouteTemplate template, Service service, RouteOptions options) {
            this.template = template;
            this.service = service;
            this.produces = options.producesShared();
            this.consumes = options.consumesShared();
            this.group = options.groupPolicy();
        }

        CompletableFuture<Response> invoke(Request request, List<String> path) {
            if (request.isMulticast()) {
                if (group == RouteOptions.GROUP_IGNORED) {
                    // RFC 7252 §11.3: only routes that opted in serve groups; the 4.04 is never sent (§8.1).
                    return answer(Code.NOT_FOUND);
                }
                if (group == RouteOptions.GROUP_UNCAPPED) {
                    request.releaseGroupLimit();
                }
            }
            if (consumes.length > 0) {
                OptionalInt cf = request.contentFormat();
                if (cf.isPresent() ? !contains(consumes, cf.getAsInt()) : !request.payload().isEmpty()) {
                    return CompletableFuture.completedFuture(NegotiationDiagnostics.unsupportedContentFormat(consumes, cf));
                }
            }
            if (produces.length > 0) {
                OptionalInt accept = request.options().accept();
                if (accept.isPresent() && !contains(produces, accept.getAsInt())) {
                    return CompletableFuture.completedFuture(
                            NegotiationDiagnostics.notAcceptable(produces, accept.getAsInt()));
                }
            }
            Request routed = request;
            if (template.binds || !request.pathParams().isEmpty()) {
                routed = request.toBuilder().pathParams(template.bind(path)).build();
            }
            CompletableFuture<Response> f;
            try {
                f = service.handle(routed);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                return CompletableFuture.failedFuture(e);
            }
            return f != null ? f : CompletableFuture.failedFuture(new NullPointerException("handler returned null"));
        }
    }

    /** The handlers of one template shape, by method. */
    private static final class Resource {
        final RouteTemplate template;
        final Endpoint[] byMethod;
        final Endpoint any;

        Resource(RouteTemplate template, Endpoint[] byMethod, Endpoint any) {
            this.template = template;
            this.byMethod = byMethod;
            this.any = any;
        }

        Endpoint endpoint(Method m) {
            Endpoint e = byMethod[m.ordinal()];
            return e != null ? e : any;
        }
    }

    /** Collects the registrations of one shape while building. */
    private static final class Draft {
        final RouteTemplate template;
        final Endpoint[] byMethod = new Endpoint[METHODS.length];
        Endpoint any;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final Set<Integer> produced = new LinkedHashSet<>();
        java.util.function.Supplier<? extends java.util.Collection<Link>> instances;

        Draft(RouteTemplate template) {
            this.template = template;
        }

        void add(Method method, Endpoint e, RouteOptions options) {
            if (method == null ? any != null : byMethod[method.ordinal()] != null) {
                throw new IllegalArgumentException((method == null ? "any" : method.wireName())
                        + " is already routed for " + template.source + " (as " + e.template.source + " or similar)");
            }
            for (Map.Entry<String, String> a : options.attributes().entrySet()) {
                String old = attributes.get(a.getKey());
                if (old != null && !old.equals(a.getValue())) {
                    throw new IllegalArgumentException("conflicting values for attribute '" + a.getKey()
                            + "' of " + template.source + ": '" + old + "' and '" + a.getValue() + "'");
                }
            }
            if (options.linkSupplier() != null) {
                if (instances != null && instances != options.linkSupplier()) {
                    throw new IllegalArgumentException("two different links(...) suppliers for " + template.source
                            + ": give the same RouteOptions value (or supplier) to every method of the resource");
                }
                instances = options.linkSupplier();
            }
            attributes.putAll(options.attributes());
            for (int f : options.producesShared()) {
                produced.add(f);
            }
            if (method == null) {
                any = e;
            } else {
                byMethod[method.ordinal()] = e;
            }
        }

        Resource resource() {
            return new Resource(template, byMethod.clone(), any);
        }

        RouteInfo info() {
            Set<Method> methods = EnumSet.noneOf(Method.class);
            for (Method m : METHODS) {
                if (any != null || byMethod[m.ordinal()] != null) {
                    methods.add(m);
                }
            }
            Map<String, String> attrs = new LinkedHashMap<>(attributes);
            if (!attrs.containsKey("ct") && !produced.isEmpty()) {
                StringJoiner j = new StringJoiner(" ");
                produced.forEach(f -> j.add(f.toString()));
                attrs.put("ct", j.toString());
            }
            return new RouteInfo(template.source, methods, attrs);
        }
    }

    /**
     * Builds a {@link Router}. Registration methods fail with {@link IllegalArgumentException} on a
     * malformed template, on a second handler for the same method and template shape (templates that
     * differ only in parameter names have the same shape), and on conflicting attribute values.
     */
    public static final class Builder {
        private final Map<String, Draft> drafts = new LinkedHashMap<>();
        private final List<Filter> filters = new ArrayList<>();
        private boolean wellKnownCore = true;

        private Builder() {
        }

        /**
         * Whether the router serves {@code GET /.well-known/core} from its routes (RFC 6690 §4,
         * RFC 7252 §7.2); on by default. See "Resource discovery" in {@link Router}.
         */
        public Builder wellKnownCore(boolean enabled) {
            this.wellKnownCore = enabled;
            return this;
        }

        /** Routes GET, which retrieves a representation (RFC 7252 §5.8.1), to a synchronous handler. */
        public Builder get(String pathTemplate, Service.Handler handler) {
            return get(pathTemplate, handler, RouteOptions.create());
        }

        /** Routes GET (RFC 7252 §5.8.1) to a synchronous handler, with content negotiation and attributes. */
        public Builder get(String pathTemplate, Service.Handler handler, RouteOptions options) {
            return route(Method.GET, pathTemplate, sync(handler), options);
        }

        /** Routes POST, which processes the payload (RFC 7252 §5.8.2), to a synchronous handler. */
        public Builder post(String pathTemplate, Service.Handler handler) {
            return post(pathTemplate, handler, RouteOptions.create());
        }

        /** Routes POST (RFC 7252 §5.8.2) to a synchronous handler, with content negotiation and attributes. */
        public Builder post(String pathTemplate, Service.Handler handler, RouteOptions options) {
            return route(Method.POST, pathTemplate, sync(handler), options);
        }

        /** Routes PUT, which creates or replaces the resource (RFC 7252 §5.8.3), to a synchronous handler. */
        public Builder put(String pathTemplate, Service.Handler handler) {
            return put(pathTemplate, handler, RouteOptions.create());
        }

        /** Routes PUT (RFC 7252 §5.8.3) to a synchronous handler, with content negotiation and attributes. */
        public Builder put(String pathTemplate, Service.Handler handler, RouteOptions options) {
            return route(Method.PUT, pathTemplate, sync(handler), options);
        }

        /** Routes DELETE, which deletes the resource (RFC 7252 §5.8.4), to a synchronous handler. */
        public Builder delete(String pathTemplate, Service.Handler handler) {
            return delete(pathTemplate, handler, RouteOptions.create());
        }

        /** Routes DELETE (RFC 7252 §5.8.4) to a synchronous handler, with content negotiation and attributes. */
        public Builder delete(String pathTemplate, Service.Handler handler, RouteOptions options) {
            return route(Method.DELETE, pathTemplate, sync(handler), options);
        }

        /** Routes FETCH, a GET with a request body (RFC 8132 §2), to a synchronous handler. */
        public Builder fetch(String pathTemplate, Service.Handler handler) {
            return fetch(pathTemplate, handler, RouteOptions.create());
        }

        /** Routes FETCH (RFC 8132 §2) to a synchronous handler, with content negotiation and attributes. */
        public Builder fetch(String pathTemplate, Service.Handler handler, RouteOptions options) {
            return route(Method.FETCH, pathTemplate, sync(handler), options);
        }

        /** Routes PATCH, a partial update (RFC 8132 §3), to a synchronous handler. */
        public Builder patch(String pathTemplate, Service.Handler handler) {
            return patch(pathTemplate, handler, RouteOptions.create());
        }

        /** Routes PATCH (RFC 8132 §3) to a synchronous handler, with content negotiation and attributes. */
        public Builder patch(String pathTemplate, Service.Handler handler, RouteOptions options) {
            return route(Method.PATCH, pathTemplate, sync(handler), options);
        }

        /** Routes iPATCH, an idempotent partial update (RFC 8132 §3), to a synchronous handler. */
        public Builder ipatch(String pathTemplate, Service.Handler handler) {
            return ipatch(pathTemplate, handler, RouteOptions.create());
        }

        /** Routes iPATCH (RFC 8132 §3) to a synchronous handler, with content negotiation and attributes. */
        public Builder ipatch(String pathTemplate, Service.Handler handler, RouteOptions options) {
            return route(Method.IPATCH, pathTemplate, sync(handler), options);
        }

        /** Routes {@code method} (RFC 7252 §5.8, RFC 8132) to an asynchronous service. */
        public Builder route(Method method, String pathTemplate, Service service) {
            return route(method, pathTemplate, service, RouteOptions.create());
        }

        /**
         * Routes {@code method} (RFC 7252 §5.8, RFC 8132) to an asynchronous service, with content
         * negotiation (RFC 7252 §5.10.3, §5.10.4) and link-format attributes (RFC 6690 §3).
         */
        public Builder route(Method method, String pathTemplate, Service service, RouteOptions options) {
            Objects.requireNonNull(method, "method");
            return add(method, pathTemplate, service, options);
        }

        /**
         * Routes every method (RFC 7252 §5.8, RFC 8132) of a template to an asynchronous service; a
         * handler registered for a specific method of the same template takes precedence.
         */
        public Builder any(String pathTemplate, Service service) {
            return any(pathTemplate, service, RouteOptions.create());
        }

        /**
         * Routes every method (RFC 7252 §5.8, RFC 8132) to an asynchronous service, with content
         * negotiation (RFC 7252 §5.10.3, §5.10.4) and link-format attributes (RFC 6690 §3).
         */
        public Builder any(String pathTemplate, Service service, RouteOptions options) {
            return add(null, pathTemplate, service, options);
        }

        /**
         * Wraps the whole router, including its 4.04/4.05 answers (RFC 7252 §5.9.2), in {@code filter};
         * the first filter added is the outermost.
         */
        public Builder filter(Filter filter) {
            filters.add(Objects.requireNonNull(filter, "filter"));
            return this;
        }

        /** The router (RFC 7252 §5.7.2); the builder can be used further without affecting it. */
        public Router build() {
            Map<List<String>, Resource> literals = new HashMap<>();
            List<Resource> patterns = new ArrayList<>();
            List<RouteInfo> routes = new ArrayList<>();
            List<WellKnownCore.Source> links = new ArrayList<>();
            for (Draft d : drafts.values()) {
                Resource r = d.resource();
                RouteInfo info = d.info();
                if (d.template.isLiteral()) {
                    literals.put(List.of(d.template.segments), r);
                } else {
                    patterns.add(r);
                }
                if (d.instances != null) {
                    links.add(WellKnownCore.instances(d.instances, info));
                } else if (d.template.isLiteral()) {
                    links.add(WellKnownCore.fixed(WellKnownCore.link(d.template.segments, info)));
                }
                routes.add(info);
            }
            patterns.sort((a, b) -> a.template.compareTo(b.template));
            RouteTemplate core = RouteTemplate.parse(LinkFormat.WELL_KNOWN_CORE);
            WellKnownCore discovery = null;
            if (wellKnownCore && !drafts.containsKey(core.shape())) {
                discovery = new WellKnownCore(links);
                Endpoint[] byMethod = new Endpoint[METHODS.length];
                byMethod[Method.GET.ordinal()] = new Endpoint(core, discovery,
                        RouteOptions.create().produces(ContentFormat.LINK_FORMAT).multicast(true));
                literals.put(List.of(core.segments), new Resource(core, byMethod, null));
            }
            return new Router(literals, patterns.toArray(new Resource[0]), List.copyOf(filters),
                    Collections.unmodifiableList(routes), discovery);
        }

        private Builder add(Method method, String pathTemplate, Service service, RouteOptions options) {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(options, "options");
            RouteTemplate t = RouteTemplate.parse(pathTemplate);
            Draft d = drafts.computeIfAbsent(t.shape(), k -> new Draft(t));
            d.add(method, new Endpoint(t, service, options), options);
            return this;
        }

        private static Service sync(Service.Handler handler) {
            Objects.requireNonNull(handler, "handler");
            return request -> {
                Response r = handler.handle(request); // a throw becomes a failed future in Endpoint.invoke
                return r != null ? CompletableFuture.completedFuture(r) : null;
            };
        }
    }
}
