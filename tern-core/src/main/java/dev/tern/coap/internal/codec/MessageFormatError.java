package dev.tern.coap.internal.codec;

/**
 * Why a datagram is not a valid CoAP message, with the byte offset where decoding stopped
 * (RFC 7252 §3, §4.2 "message format error"). Checked by the engine to choose RST or silence.
 *
 * @param reason a precise, human-readable reason
 * @param offset the byte offset of the problem in the datagram
 * @param messageId the Message ID when the 4-byte header was readable, else -1
 * @param confirmable whether the header says CON (so the engine answers RST, RFC 7252 §4.2)
 * @param versionOk whether the version field was 1 (other versions are silently ignored, §3)
 */
public record MessageFormatError(String reason, int offset, int messageId, boolean confirmable, boolean versionOk)
        implements DecodeResult {
    @Override
    public String toString() {
        return reason + " at offset " + offset;
    }
}
