/**
 * The CoRE Resource Directory (RFC 9176): {@link dev.tern.coap.rd.ResourceDirectory} serves the
 * registration (§5) and lookup (§6) interfaces as routes of a {@link dev.tern.coap.Router};
 * {@link dev.tern.coap.rd.RdRegistrant} registers a server's own links with a directory and keeps
 * the registration alive (§5.3).
 */
package dev.tern.coap.rd;
