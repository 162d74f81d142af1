package dev.tern.coap;

/** The four CoAP message types (RFC 7252 §3, §4). */
public enum MessageType {
    /** Confirmable: retransmitted until acknowledged (RFC 7252 §4.2). */
    CON,
    /** Non-confirmable (RFC 7252 §4.3). */
    NON,
    /** Acknowledgement (RFC 7252 §4.2). */
    ACK,
    /** Reset (RFC 7252 §4.2, §4.3). */
    RST;

    private static final MessageType[] VALUES = values();

    /** The 2-bit value on the wire. */
    public int wireValue() {
        return ordinal();
    }

    /** The type for a 2-bit wire value (0..3). */
    public static MessageType fromWire(int value) {
        return VALUES[value & 3];
    }
}
