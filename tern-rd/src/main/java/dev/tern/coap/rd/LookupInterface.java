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
        for (Registration r : store.snapshot()) {
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
        outer:
        for (Registration r : store.snapshot()) {
            for (Link l : r.resolved) {
                if (!q.matchesResource(r, l)) {
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

    /** The filters and the page of a lookup request. */
    private static final class Query {
        final List<String> filters;
        final int page;
        final int count;

        private Query(List<String> filters, int page, int count) {
            this.filters = filters;
            this.page = page;
            this.count = count;
        }

        static Query of(Request request, int maxResults) {
            List<String> filters = new ArrayList<>();
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
                    filters.add(a);
                }
            }
            int c = count == null ? maxResults : Math.min(count, maxResults);
            return new Query(filters, page == null ? 0 : page, c);
        }

        int offset() {
            long o = (long) page * count;
            return o > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) o;
        }

        boolean matchesEndpoint(Registration r) {
            for (String f : filters) {
                if (!LinkFormat.matches(r.endpointLink, f) && (isHref(f) || !anyResource(r, f))) {
                    return false;
                }
            }
            return true;
        }

        boolean matchesResource(Registration r, Link l) {
            for (String f : filters) {
                if (!LinkFormat.matches(l, f) && (!isRegistrationAttribute(r, f)
                        || !LinkFormat.matches(r.endpointLink, f))) {
                    return false;
                }
            }
            return true;
        }

        private static boolean anyResource(Registration r, String filter) {
            for (Link l : r.resolved) {
                if (LinkFormat.matches(l, filter)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean isHref(String filter) {
            return filter.regionMatches(true, 0, "href", 0, 4) && (filter.length() == 4 || filter.charAt(4) == '=');
        }

        private static boolean isRegistrationAttribute(Registration r, String filter) {
            int eq = filter.indexOf('=');
            String name = (eq < 0 ? filter : filter.substring(0, eq)).toLowerCase(Locale.ROOT);
            return switch (name) {
                case "ep", "d", "base", "lt" -> true;
                case "href", "rt", "anchor" -> false;
                default -> r.attributes.containsKey(name);
            };
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
