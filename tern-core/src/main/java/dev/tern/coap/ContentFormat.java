package dev.tern.coap;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Registered Content-Format numbers (RFC 7252 §12.3 and the IANA CoAP Content-Formats registry).
 */
public final class ContentFormat {
    /** text/plain;charset=utf-8. */
    public static final int TEXT_PLAIN = 0;
    /** application/cose; cose-type="cose-encrypt0" (RFC 9052). */
    public static final int COSE_ENCRYPT0 = 16;
    /** application/link-format (RFC 6690). */
    public static final int LINK_FORMAT = 40;
    /** application/xml. */
    public static final int XML = 41;
    /** application/octet-stream. */
    public static final int OCTET_STREAM = 42;
    /** application/exi. */
    public static final int EXI = 47;
    /** application/json. */
    public static final int JSON = 50;
    /** application/json-patch+json (RFC 6902). */
    public static final int JSON_PATCH_JSON = 51;
    /** application/merge-patch+json (RFC 7396). */
    public static final int MERGE_PATCH_JSON = 52;
    /** application/cbor (RFC 8949). */
    public static final int CBOR = 60;
    /** application/cwt (RFC 8392). */
    public static final int CWT = 61;
    /** application/senml+json (RFC 8428). */
    public static final int SENML_JSON = 110;
    /** application/sensml+json (RFC 8428). */
    public static final int SENSML_JSON = 111;
    /** application/senml+cbor (RFC 8428). */
    public static final int SENML_CBOR = 112;
    /** application/sensml+cbor (RFC 8428). */
    public static final int SENSML_CBOR = 113;
    /** application/senml-exi (RFC 8428). */
    public static final int SENML_EXI = 114;
    /** application/sensml-exi (RFC 8428). */
    public static final int SENSML_EXI = 115;
    /** application/senml+xml (RFC 8428). */
    public static final int SENML_XML = 310;
    /** application/sensml+xml (RFC 8428). */
    public static final int SENSML_XML = 311;
    /** application/coap-group+json (RFC 7390). */
    public static final int COAP_GROUP_JSON = 256;
    /** application/link-format+cbor (RFC 9193 family). */
    public static final int LINK_FORMAT_CBOR = 64;
    /** application/link-format+json. */
    public static final int LINK_FORMAT_JSON = 504;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(TEXT_PLAIN, "text/plain;charset=utf-8"),
            Map.entry(COSE_ENCRYPT0, "application/cose; cose-type=\"cose-encrypt0\""),
            Map.entry(LINK_FORMAT, "application/link-format"),
            Map.entry(XML, "application/xml"),
            Map.entry(OCTET_STREAM, "application/octet-stream"),
            Map.entry(EXI, "application/exi"),
            Map.entry(JSON, "application/json"),
            Map.entry(JSON_PATCH_JSON, "application/json-patch+json"),
            Map.entry(MERGE_PATCH_JSON, "application/merge-patch+json"),
            Map.entry(CBOR, "application/cbor"),
            Map.entry(CWT, "application/cwt"),
            Map.entry(LINK_FORMAT_CBOR, "application/link-format+cbor"),
            Map.entry(SENML_JSON, "application/senml+json"),
            Map.entry(SENSML_JSON, "application/sensml+json"),
            Map.entry(SENML_CBOR, "application/senml+cbor"),
            Map.entry(SENSML_CBOR, "application/sensml+cbor"),
            Map.entry(SENML_EXI, "application/senml-exi"),
            Map.entry(SENSML_EXI, "application/sensml-exi"),
            Map.entry(COAP_GROUP_JSON, "application/coap-group+json"),
            Map.entry(SENML_XML, "application/senml+xml"),
            Map.entry(SENSML_XML, "application/sensml+xml"),
            Map.entry(LINK_FORMAT_JSON, "application/link-format+json"));

    private static final Map<String, Integer> SHORT_NAMES = Map.ofEntries(
            Map.entry("text", TEXT_PLAIN), Map.entry("text/plain", TEXT_PLAIN),
            Map.entry("link", LINK_FORMAT), Map.entry("link-format", LINK_FORMAT),
            Map.entry("xml", XML), Map.entry("binary", OCTET_STREAM), Map.entry("octet-stream", OCTET_STREAM),
            Map.entry("exi", EXI), Map.entry("json", JSON), Map.entry("cbor", CBOR),
            Map.entry("senml+json", SENML_JSON), Map.entry("senml+cbor", SENML_CBOR),
            Map.entry("senml+xml", SENML_XML), Map.entry("senml-exi", SENML_EXI),
            Map.entry("json-patch+json", JSON_PATCH_JSON), Map.entry("merge-patch+json", MERGE_PATCH_JSON));

    private ContentFormat() {
    }

    /** The media type registered for {@code format}, e.g. {@code application/json} for 50. */
    public static Optional<String> mediaType(int format) {
        return Optional.ofNullable(NAMES.get(format));
    }

    /**
     * Parses a number, a registered media type, or a short name as libcoap's {@code -t} accepts
     * ({@code text}, {@code json}, {@code cbor}, {@code link}, {@code xml}, {@code binary}, ...).
     */
    public static OptionalInt parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            try {
                int n = Integer.parseInt(t);
                return n <= 0xFFFF ? OptionalInt.of(n) : OptionalInt.empty();
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
        Integer shortName = SHORT_NAMES.get(t.startsWith("application/") ? t.substring(12) : t);
        if (shortName != null) {
            return OptionalInt.of(shortName);
        }
        for (Map.Entry<Integer, String> e : NAMES.entrySet()) {
            if (e.getValue().equals(t)) {
                return OptionalInt.of(e.getKey());
            }
        }
        return OptionalInt.empty();
    }

    /** Whether the format is text a terminal can show as is (text, JSON, XML, link-format, SenML JSON/XML). */
    public static boolean isText(int format) {
        return format == TEXT_PLAIN || format == LINK_FORMAT || format == XML || format == JSON
                || format == JSON_PATCH_JSON || format == MERGE_PATCH_JSON || format == SENML_JSON
                || format == SENSML_JSON || format == SENML_XML || format == SENSML_XML
                || format == COAP_GROUP_JSON || format == LINK_FORMAT_JSON;
    }
}
