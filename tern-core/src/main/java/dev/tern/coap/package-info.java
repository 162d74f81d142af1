/**
 * Tern's public API: {@link dev.tern.coap.CoapClient}, {@link dev.tern.coap.CoapServer}, immutable
 * {@link dev.tern.coap.Request}/{@link dev.tern.coap.Response} with {@link dev.tern.coap.Options},
 * codes, content formats, {@link dev.tern.coap.Service}/{@link dev.tern.coap.Filter},
 * {@link dev.tern.coap.Router}, {@link dev.tern.coap.CoapUri}, configuration and the
 * {@link dev.tern.coap.CoapException} family. RFC 7252 throughout.
 */
package dev.tern.coap;
