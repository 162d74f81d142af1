/** Implementation of {@code tern-cluster}: not an API; the module does not export it. */
package dev.tern.coap.cluster.internal;
