package dev.tern.coap.spi;

import dev.tern.coap.Bytes;
import java.util.Map;

/**
 * A component whose state can be written to a {@link StateStore} and read back by the next process:
 * a security layer (the DTLS resumption cache, RFC 5246 §7.3), an OSCORE context store (RFC 8613
 * §7.2.1) or a resource directory (RFC 9176). A {@code CoapServer} or {@code CoapClient} built with
 * a store restores every holder it is given (its security layer, if that is one) when it starts and
 * exports them when it closes.
 */
public interface StateHolder {
    /** The namespace of this holder's records, e.g. {@code dtls.resumption}. */
    String stateNamespace();

    /** A snapshot of the state as records (values are this holder's own encoding). */
    Map<Bytes, byte[]> exportState();

    /**
     * Takes back records a previous {@link #exportState()} produced. A record that does not decode
     * is skipped (and counted or logged, never thrown): a partial restore of independent records
     * is safe, each record is whole or absent. Called before the component serves.
     */
    void restoreState(Map<Bytes, byte[]> records);
}
