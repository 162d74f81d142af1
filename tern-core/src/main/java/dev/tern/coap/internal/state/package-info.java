/**
 * The byte encoding of state records (for {@code spi.StateStore}): strict, bounded readers and
 * writers, and the encrypted state file of a graceful restart.
 */
package dev.tern.coap.internal.state;
