/**
 * Internal. The bridge through which the engine reaches the parts of the public types that only it
 * may use (the server-side fields of {@link dev.tern.coap.Request}, an
 * {@link dev.tern.coap.Observation}'s cancel action, an {@link dev.tern.coap.ObservableResource}'s
 * observers), so that the public API does not offer them to applications.
 */
package dev.tern.coap.internal.api;
