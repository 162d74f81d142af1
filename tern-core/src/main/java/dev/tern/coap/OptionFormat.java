package dev.tern.coap;

/** Option value formats (RFC 7252 §3.2). */
public enum OptionFormat {
    /** A zero-length sequence of bytes. */
    EMPTY,
    /** An opaque sequence of bytes. */
    OPAQUE,
    /** A non-negative integer in network byte order, without leading zero bytes. */
    UINT,
    /** A UTF-8 string in Net-Unicode form (RFC 5198). */
    STRING
}
