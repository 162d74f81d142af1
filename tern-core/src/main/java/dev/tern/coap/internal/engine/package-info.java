/**
 * Internal. Assembles the protocol stack in one place,
 * {@link dev.tern.coap.internal.engine.CoapEndpoint#assemble}, bottom to top:
 * <pre>
 *   transport (UDP | in-memory)  [-&gt; TracingTransport]
 *   codec           MessageDecoder / MessageEncoder        RFC 7252 §3, RFC 8974 tokens
 *   message layer   MessageLayer: dedup, MIDs, retransmit   RFC 7252 §4
 *     or, on connections (assembleReliable):
 *                   ReliableLayer: framing, CSM, Ping/Pong,  RFC 8323 §3-§5
 *                   Release, Abort; connection = peer context
 *   exchange layer  ServerExchanges | ClientExchanges      RFC 7252 §5, RFC 8516 (4.29)
 *   object security ObjectSecurity filters (optional)      RFC 8613 OSCORE
 *   block-wise      BlockwiseServer | BlockwiseClient      RFC 7959
 *   application     Service (Router + Filters)
 * </pre>
 */
package dev.tern.coap.internal.engine;
