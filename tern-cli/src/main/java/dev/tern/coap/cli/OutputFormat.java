package dev.tern.coap.cli;

/** {@code --format}: how a response is written to stdout. */
public enum OutputFormat {
    /** The payload alone, as curl does. */
    text,
    /** One JSON object with code, options and payload (see {@link JsonOutput}). */
    json
}
