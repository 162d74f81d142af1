/**
 * OSCORE internals (RFC 8613), not exported: HKDF-SHA256 on the JDK's Mac ({@code Hkdf}), the
 * key derivation of §3.2 ({@code KeyDerivation}), the nonce of §5.2 ({@code Nonces}), the AEAD on
 * BouncyCastle ({@code Aead}), a CBOR encoder for exactly the structures OSCORE builds
 * ({@code Cbor}), the OSCORE option value of §6.1 ({@code OscoreOptionValue}), the plaintext's
 * inner options ({@code InnerOptions}), the option classes of §4.1 ({@code OptionClasses}) and
 * the replay window of §7.4 ({@code ReplayWindow}).
 */
package dev.tern.coap.oscore.internal;
