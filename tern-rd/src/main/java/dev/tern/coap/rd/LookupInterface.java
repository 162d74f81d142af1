package dev.tern.coap.rd;

import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lookup interface (RFC 9176 §6): endpoint lookup ({@code /rd-lookup/ep}) lists registration
 * resources, resource lookup ({@code /rd-lookup/res}) lists the registered links made absolute
 * (§6.2). Query arguments filter as in RFC 6690 §4.1 (exact value, or a prefix ending in
 * {@code *}); several arguments must all match; {@code page} and {@code count} page the result
 * (§6.1).
 */
final class LookupInterface {
    private final RegistrationStore store;
    private final int maxResults;

    LookupInterface(RegistrationStore store, int maxResults) {
        this.store = store;
        this.maxResults = maxResults;
    }

    /**
     * Endpoint lookup (RFC 9176 §6.1): one link per registration, target the registration
     * resource, with its registration parameters as attributes. A filter on an attribute the
     * registration does not have matches when one of its resources matches (§6.1: endpoints
     * that host a matching resource).
     */
    Response endpoints(Request request) {
        Query q = Query.of(request, maxResults);
        List<Link> out = new ArrayList<>();
        int skip = q.offset();
        for (Registration r : q.candidates(store, true)) {
            if (!q.matchesEndpoint(r)) {
                continue;
            }
            if (skip > 0) {
                skip--;
                continue;
            }
            if (out.size() == q.count) {
                break;
            }
            out.add(r.endpointLink);
        }
        return content(out);
    }

    /**
     * Resource lookup (RFC 9176 §6.1): the links of every registration with absolute targets and
     * anchors (§6.2). A filter on a registration parameter ({@code ep}, {@code d}, {@code base},
     * {@code lt}, {@code et}, ...) selects the links of the matching registrations.
     */
    Response resources(Request request) {
        Query q = Query.of(request, maxResults);
        List<Link> out = new ArrayList<>();
        int skip = q.offset();
        boolean[] open = new boolean[q.filters.size()];
        outer:
        for (Registration r : q.candidates(store, false)) {
            if (!q.openForResources(r, open)) {
                continue;
            }
            for (Link l : r.resolved) {
                if (!q.matchesResource(l, open)) {
                    continue;
                }
                if (skip > 0) {
                    skip--;
                    continue;
                }
                if (out.size() == q.count) {
                    break outer;
                }
                out.add(l);
            }
        }
        return content(out);
    }

    private static Response content(List<Link> links) {
        return Response.builder(Code.CONTENT).contentFormat(ContentFormat.LINK_FORMAT)
                .payload(LinkFormat.format(links).getBytes(StandardCharsets.UTF_8)).build();
    }

    /** One query argument (RFC 6690 §4.1): as given, and its attribute name in lower case. */
    record Filter(String raw, String name, boolean href, String value, boolean prefix) {
        static Filter of(String raw) {
            int eq = raw.indexOf('=');
            return of(raw, (eq < 0 ? raw : raw.substring(0, eq)).toLowerCase(Locale.ROOT));
        }

        static Filter of(String raw, String name) {
            int eq = raw.indexOf('=');
            String v = eq < 0 ? null : raw.substring(eq + 1);
            boolean prefix = v != null && v.endsWith("*");
            return new Filter(raw, name, name.equals("href"), prefix ? v.substring(0, v.length() - 1) : v, prefix);
        }

        /** Whether a registration parameter's value matches; {@code value} null: the parameter is absent. */
        boolean matchesValue(String v) {
            if (v == null) {
                return false;
            }
            if (value == null) {
                return true;
            }
            return prefix ? v.startsWith(value) : v.equals(value);
        }

        private boolean matchesToken(String v, int start, int end) {
            int len = end - start;
            return (prefix ? len >= value.length() : len == value.length())
                    && v.regionMatches(start, value, 0, value.length());
        }
    }

    /** {@code \s} of {@link java.util.regex.Pattern}, as {@link Link#values} splits at. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /**
     * {@link LinkFormat#matches(Link, String)} without allocating: the filter parsed once, list
     * attributes ({@code rt}, {@code if}, {@code rel}, {@code ct}) compared token by token in place.
     */
    static boolean linkMatches(Link l, Filter f) {
        if (f.name.isEmpty()) {
            return f.value == null && f.raw.indexOf('=') < 0;
        }
        if (f.href) {
            return f.value == null || f.matchesValue(l.target());
        }
        boolean list = switch (f.name) {
            case "rt", "if", "rel", "ct" -> true;
            default -> false;
        };
        for (Link.Attribute a : l.attributes()) {
            if (!a.name().equals(f.name)) {
                continue;
            }
            if (f.value == null) {
                return true;
            }
            String v = a.value();
            if (!list) {
                if (f.matchesValue(v)) {
                    return true;
                }
                continue;
            }
            int i = 0;
            int n = v.length();
            while (i < n) {
                while (i < n && isSpace(v.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < n && !isSpace(v.charAt(i))) {
                    i++;
                }
                if (i > start && f.matchesToken(v, start, i)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The filters and the page of a lookup request. */
    private static final class Query {
        final List<Filter> filters;
        final int page;
        final int count;

        private Query(List<Filter> filters, int page, int count) {
            this.filters = filters;
            this.page = page;
            this.count = count;
        }

        static Query of(Request request, int maxResults) {
            List<Filter> filters = new ArrayList<>();
            Integer page = null;
            Integer count = null;
            for (String a : request.query()) {
                int eq = a.indexOf('=');
                String name = (eq < 0 ? a : a.substring(0, eq)).toLowerCase(Locale.ROOT);
                if (name.equals("page")) {
                    page = number(a, eq);
                } else if (name.equals("count")) {
                    count = number(a, eq);
                } else {
                    filters.add(Filter.of(a, name));
                }
            }
            int c = count == null ? maxResults : Math.min(count, maxResults);
            return new Query(filters, page == null ? 0 : page, c);
        }

        /**
         * The registrations to test: only those of that name when a filter asks for an exact
         * {@code ep}, else only those with a link of a matching {@code rt} when a filter names one
         * (from the store's index; not for an endpoint lookup whose {@code rt} filter also matches
         * the endpoints' own {@code core.rd-ep}, which every registration has), else all.
         */
        List<Registration> candidates(RegistrationStore store, boolean endpointLookup) {
            for (Filter f : filters) {
                if (f.name.equals("ep") && f.value != null && !f.prefix) {
                    return store.snapshotByEp(f.value);
                }
            }
            for (Filter f : filters) {
                if (f.name.equals("rt") && f.value != null && !(f.prefix && f.value.isEmpty())
                        && !(endpointLookup && f.matchesValue(Registration.RT_ENDPOINT))) {
                    return store.snapshotByRt(f.value, f.prefix);
                }
            }
            return store.snapshot();
        }

        int offset() {
            long o = (long) page * count;
            return o > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) o;
        }

        boolean matchesEndpoint(Registration r) {
            for (Filter f : filters) {
                boolean own = f.href ? f.matchesValue(r.path()) : registrationMatches(r, f)
                        || f.name.equals("rt") && f.matchesValue(Registration.RT_ENDPOINT);
                if (!own && (f.href || !r.linkAttributeNames.contains(f.name) || !anyResource(r, f))) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Which filters a registration leaves to its links: {@code open[i]} false when filter i
         * matched as a registration attribute. False when no link of {@code r} can match.
         */
        boolean openForResources(Registration r, boolean[] open) {
            for (int i = 0; i < open.length; i++) {
                Filter f = filters.get(i);
                if (registrationMatches(r, f)) {
                    open[i] = false;
                } else if (!f.href && !f.name.isEmpty() && !r.linkAttributeNames.contains(f.name)) {
                    return false;
                } else {
                    open[i] = true;
                }
            }
            return true;
        }

        boolean matchesResource(Link l, boolean[] open) {
            for (int i = 0; i < open.length; i++) {
                if (open[i] && !linkMatches(l, filters.get(i))) {
                    return false;
                }
            }
            return true;
        }

        private static boolean anyResource(Registration r, Filter filter) {
            for (Link l : r.resolved) {
                if (linkMatches(l, filter)) {
                    return true;
                }
            }
            return false;
        }

        /** A filter on a registration parameter (RFC 9176 §6.1): ep, d, base, lt, et (each value) or another. */
        private static boolean registrationMatches(Registration r, Filter f) {
            switch (f.name) {
                case "ep":
                    return f.matchesValue(r.ep);
                case "d":
                    return f.matchesValue(r.sector.isEmpty() ? null : r.sector);
                case "base":
                    return f.matchesValue(r.base);
                case "lt":
                    return f.matchesValue(Long.toString(r.lifetimeSeconds));
                case "href":
                case "rt":
                case "anchor":
                    return false;
                case "et":
                    String et = r.attributes.get("et");
                    if (et != null) {
                        for (String v : et.split(" ")) {
                            if (f.matchesValue(v)) {
                                return true;
                            }
                        }
                    }
                    return false;
                default:
                    return f.matchesValue(r.attributes.get(f.name));
            }
        }

        private static int number(String arg, int eq) {
            try {
                int n = Integer.parseInt(eq < 0 ? "" : arg.substring(eq + 1));
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new RdError(Code.BAD_REQUEST, "page and count are non-negative numbers");
            }
        }
    }
}
