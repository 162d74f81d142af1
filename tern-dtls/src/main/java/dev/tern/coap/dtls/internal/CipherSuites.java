package dev.tern.coap.dtls.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.tls.CipherSuite;

/** The cipher suites Tern offers, by IANA name, in order of preference (RFC 7252 §9.1.3, RFC 7925 §4-5). */
public final class CipherSuites {
    /** Pre-shared key suites; CCM_8 is mandatory to implement (RFC 7252 §9.1.3.1). */
    static final Map<String, Integer> PSK = new LinkedHashMap<>();
    /** ECDHE with an ECDSA key (raw public key or certificate); CCM_8 mandatory (§9.1.3.2). */
    static final Map<String, Integer> ECDSA = new LinkedHashMap<>();
    /** ECDHE with an RSA certificate, for X.509 deployments with RSA keys. */
    static final Map<String, Integer> RSA = new LinkedHashMap<>();

    static {
        PSK.put("TLS_PSK_WITH_AES_128_CCM_8", CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);
        PSK.put("TLS_PSK_WITH_AES_128_CCM", CipherSuite.TLS_PSK_WITH_AES_128_CCM);
        PSK.put("TLS_PSK_WITH_AES_128_GCM_SHA256", CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256);
        PSK.put("TLS_PSK_WITH_AES_256_CCM_8", CipherSuite.TLS_PSK_WITH_AES_256_CCM_8);
        PSK.put("TLS_PSK_WITH_AES_256_GCM_SHA384", CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384);
        PSK.put("TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256);
        PSK.put("TLS_PSK_WITH_AES_128_CBC_SHA256", CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256);
        ECDSA.put("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8);
        ECDSA.put("TLS_ECDHE_ECDSA_WITH_AES_128_CCM", CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM);
        ECDSA.put("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
        ECDSA.put("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384);
        ECDSA.put("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256);
        RSA.put("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
        RSA.put("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384);
        RSA.put("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256);
    }

    private CipherSuites() {
    }

    /** The code of a supported suite, or -1. */
    public static int code(String name) {
        Integer c = PSK.get(name);
        if (c == null) {
            c = ECDSA.get(name);
        }
        if (c == null) {
            c = RSA.get(name);
        }
        return c == null ? -1 : c;
    }

    /** Every supported name. */
    public static List<String> names() {
        List<String> all = new ArrayList<>(PSK.keySet());
        all.addAll(ECDSA.keySet());
        all.addAll(RSA.keySet());
        return all;
    }

    /** The IANA name of {@code code}, or its hex value for one Tern does not offer. */
    public static String name(int code) {
        for (Map<String, Integer> m : List.of(PSK, ECDSA, RSA)) {
            for (Map.Entry<String, Integer> e : m.entrySet()) {
                if (e.getValue() == code) {
                    return e.getKey();
                }
            }
        }
        return String.format("0x%04X", code);
    }

    /**
     * The suites to offer: those of the credentials' kinds ({@code psk}; {@code keyAlgorithm}
     * "EC" or "RSA" of the own key, or null for none; {@code verifiesCertificates} for a client
     * that can check a server's key without having one), narrowed to {@code allowed} when not empty.
     */
    static int[] select(boolean psk, String keyAlgorithm, boolean verifiesCertificates, List<String> allowed) {
        List<Integer> out = new ArrayList<>();
        if (psk) {
            out.addAll(PSK.values());
        }
        if ("EC".equals(keyAlgorithm) || (keyAlgorithm == null && verifiesCertificates)) {
            out.addAll(ECDSA.values());
        }
        if ("RSA".equals(keyAlgorithm) || (keyAlgorithm == null && verifiesCertificates)) {
            out.addAll(RSA.values());
        }
        if (!allowed.isEmpty()) {
            List<Integer> narrowed = new ArrayList<>();
            for (String n : allowed) {
                int c = code(n);
                if (out.contains(c)) {
                    narrowed.add(c);
                }
            }
            out = narrowed;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
