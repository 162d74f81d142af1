/** Internal. The exchange layer of RFC 7252 §5: tokens, request/response matching, piggybacked and separate responses, server request checks. */
package dev.tern.coap.internal.exchange;
