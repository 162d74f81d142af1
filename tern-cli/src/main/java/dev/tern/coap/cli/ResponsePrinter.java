package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Response;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Writes a response the way curl would: the payload alone on stdout, byte for byte when piped;
 * on a terminal, JSON indented, link-format one link per line and binary as hex.
 */
final class ResponsePrinter {
    private final Io io;

    ResponsePrinter(Io io) {
        this.io = io;
    }

    /** {@code -v}: the code line and the options, on stderr. */
    void printHead(Response response) {
        io.err().println(response.code() + " " + response.code().reason());
        for (Option o : response.options().all()) {
            io.err().println("  " + describe(o));
        }
    }

    /** {@code Content-Format:50 (application/json)}; other options as {@link Option#toString()}. */
    static String describe(Option o) {
        if ((o.number() == OptionNumber.CONTENT_FORMAT || o.number() == OptionNumber.ACCEPT) && o.value().length() <= 2) {
            return ContentFormat.mediaType((int) o.uintValue()).map(t -> o + " (" + t + ")").orElse(o.toString());
        }
        return o.toString();
    }

    /** {@code --format json}: one object and a newline on stdout. */
    void printJson(Response response) {
        io.out().println(JsonOutput.format(response));
        io.out().flush();
    }

    /** The payload into {@code file}. */
    void writeTo(Path file, Response response) throws IOException {
        Files.write(file, response.payload().toArray());
    }

    /** The payload on stdout. */
    void printPayload(Response response) {
        Bytes payload = response.payload();
        if (payload.isEmpty()) {
            return;
        }
        PrintStream out = io.out();
        if (!io.terminal()) {
            out.write(payload.toArray(), 0, payload.length());
            out.flush();
            return;
        }
        OptionalInt cf = response.contentFormat();
        if (!Payloads.isText(payload, cf)) {
            io.err().println("tern: binary payload (" + describe(cf) + ", " + payload.length()
                    + " bytes) shown as hex; pipe it or use -o FILE for the bytes");
            out.println(payload);
            out.flush();
            return;
        }
        String text = prettyText(payload.utf8(), cf);
        out.print(text);
        if (!text.endsWith("\n")) {
            out.println();
        }
        out.flush();
    }

    /** Terminal rendering of a text payload in the given format. */
    static String prettyText(String text, OptionalInt cf) {
        if (cf.isEmpty()) {
            return text;
        }
        switch (cf.getAsInt()) {
            case ContentFormat.LINK_FORMAT:
                return Pretty.linkFormat(text);
            case ContentFormat.JSON:
            case ContentFormat.JSON_PATCH_JSON:
            case ContentFormat.MERGE_PATCH_JSON:
            case ContentFormat.SENML_JSON:
            case ContentFormat.SENSML_JSON:
            case ContentFormat.COAP_GROUP_JSON:
            case ContentFormat.LINK_FORMAT_JSON:
                return Pretty.json(text);
            default:
                return text;
        }
    }

    private static String describe(OptionalInt cf) {
        if (cf.isEmpty()) {
            return "no Content-Format";
        }
        return ContentFormat.mediaType(cf.getAsInt()).orElse("Content-Format " + cf.getAsInt());
    }
}
