package dev.tern.coap.cluster.internal;

import dev.tern.coap.Code;

/**
 * What a node mirrors into Redis: its server's observe relations (RFC 7641 §4.1) or its clients'
 * observations (§3). Each kind has its own hash and cancel channel, and its own label in the sealed
 * values' associated data and in the cancels' MAC, so that neither is taken for the other.
 */
public enum MirrorKind {
    /** Server observe relations: the peer is the observer; a cancel carries the 4.xx/5.xx that ends it (§4.2). */
    RELATIONS("relations", "tern-relation"),
    /** Client observations: the peer is the observed server; a cancel deregisters (§3.6) and carries 0.00. */
    OBSERVATIONS("observations", "tern-observation");

    private final String segment;
    private final String label;

    MirrorKind(String segment, String label) {
        this.segment = segment;
        this.label = label;
    }

    /** The key segment: {@code PREFIX:SEGMENT:NODE}. */
    String segment() {
        return segment;
    }

    /** The domain label of the sealed values' associated data and of the cancels' MAC. */
    String label() {
        return label;
    }

    /** Whether a cancel of this kind may carry {@code code}. */
    boolean accepts(Code code) {
        return this == RELATIONS ? code.codeClass() == 4 || code.codeClass() == 5 : code.equals(Code.EMPTY);
    }
}
