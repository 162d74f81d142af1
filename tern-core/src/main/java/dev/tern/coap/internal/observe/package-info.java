/** Internal. Observe (RFC 7641): server relations and notifications, client notification ordering. */
package dev.tern.coap.internal.observe;
