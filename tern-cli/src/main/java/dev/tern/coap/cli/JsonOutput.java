package dev.tern.coap.cli;

import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Response;
import java.util.Base64;
import java.util.OptionalInt;

/**
 * {@code --format json}: a response as one JSON object on one line, e.g.
 * {@code {"code":"2.05","reason":"Content","options":[{"number":12,"name":"Content-Format","value":0}],
 * "contentFormat":0,"payload":"Hello","payloadEncoding":"text"}}. Uint option values are numbers,
 * string values strings, opaque values {@code "0x..."} hex and empty values {@code ""}. The payload
 * is text when {@link Payloads#isText} says so, base64 otherwise; {@code payloadEncoding} tells which.
 */
public final class JsonOutput {
    private JsonOutput() {
    }

    /** The JSON object for {@code response}, without a trailing newline. */
    public static String format(Response response) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"code\":").append(Json.string(response.code().toString()));
        sb.append(",\"reason\":").append(Json.string(response.code().reason()));
        sb.append(",\"options\":[");
        boolean first = true;
        for (Option o : response.options().all()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"number\":").append(o.number())
                    .append(",\"name\":").append(Json.string(OptionNumber.name(o.number())))
                    .append(",\"value\":").append(value(o)).append('}');
        }
        sb.append(']');
        OptionalInt cf = response.contentFormat();
        sb.append(",\"contentFormat\":").append(cf.isPresent() ? Integer.toString(cf.getAsInt()) : "null");
        if (Payloads.isText(response.payload(), cf)) {
            sb.append(",\"payload\":").append(Json.string(response.payload().utf8()))
                    .append(",\"payloadEncoding\":\"text\"");
        } else {
            sb.append(",\"payload\":").append(Json.string(Base64.getEncoder().encodeToString(response.payload().toArray())))
                    .append(",\"payloadEncoding\":\"base64\"");
        }
        return sb.append('}').toString();
    }

    private static String value(Option o) {
        switch (OptionNumber.format(o.number())) {
            case UINT:
                return o.value().length() <= 8 ? Long.toUnsignedString(o.uintValue()) : Json.string(o.value().toString());
            case STRING:
                return Json.string(o.stringValue());
            case EMPTY:
                return o.value().isEmpty() ? "\"\"" : Json.string(o.value().toString());
            default:
                return Json.string(o.value().toString());
        }
    }
}
