/**
 * Internal. Block-wise transfer (RFC 7959): {@link dev.tern.coap.internal.blockwise.BlockwiseServer}
 * decorates the application service (Block1 reassembly with 2.31 Continue, Block2 slicing with a
 * bounded cache), {@link dev.tern.coap.internal.blockwise.BlockwiseClient} sits above the client
 * exchange layer (Block1 sequences, Block2 retrieval). Both are transparent by default.
 */
package dev.tern.coap.internal.blockwise;
