package dev.tern.coap;

import java.util.OptionalInt;

/**
 * The diagnostic payloads (RFC 7252 §5.5.2: UTF-8 text, no Content-Format) of the Router's
 * automatic 4.15 Unsupported Content-Format and 4.06 Not Acceptable, naming what the resource
 * expects, e.g. {@code expected Content-Format one of: application/json (50); got application/xml (41)}.
 */
final class NegotiationDiagnostics {
    private NegotiationDiagnostics() {
    }

    /** 4.15 for a request whose Content-Format (or lack of one) is not among {@code consumes} (§5.10.3). */
    static Response unsupportedContentFormat(int[] consumes, OptionalInt got) {
        String text = "expected Content-Format one of: " + list(consumes) + "; got "
                + (got.isPresent() ? name(got.getAsInt()) : "a payload without Content-Format");
        return Response.builder(Code.UNSUPPORTED_CONTENT_FORMAT).payload(text).build();
    }

    /** 4.06 for a request whose Accept is not among {@code produces} (RFC 7252 §5.10.4). */
    static Response notAcceptable(int[] produces, int accept) {
        String text = "Accept " + name(accept) + " is not available; expected Accept one of: " + list(produces);
        return Response.builder(Code.NOT_ACCEPTABLE).payload(text).build();
    }

    private static String list(int[] formats) {
        StringBuilder sb = new StringBuilder();
        for (int f : formats) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(name(f));
        }
        return sb.toString();
    }

    /** {@code application/json (50)}, or just the number when it is not registered. */
    private static String name(int format) {
        return ContentFormat.mediaType(format).map(t -> t + " (" + format + ")").orElse(Integer.toString(format));
    }
}
