package dev.tern.coap.internal.codec;

/** What the decoder returns: a {@link Message} or the {@link MessageFormatError} that rejects it. */
public sealed interface DecodeResult permits Message, MessageFormatError {
}
