package dev.meshfed.core.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shared test values. The PEM blocks here are shape-only: their bodies are marker bytes, not real
 * DER, because nothing in {@code core.config} parses X.509 or keys (the PKI module does, with real
 * fixtures). The key's marker lets tests prove it never leaks into any output.
 */
final class Fixtures {

    /** Bytes inside the fake private key; must never appear in any string meshfed produces. */
    static final String KEY_MARKER = "TOP-SECRET-PRIVATE-KEY-MATERIAL-0123456789";
    static final String KEY_BODY = Base64.getEncoder().encodeToString(KEY_MARKER.getBytes(StandardCharsets.US_ASCII));
    static final String EC_PRIVATE_KEY_PEM = pem("EC PRIVATE KEY", KEY_MARKER.getBytes(StandardCharsets.US_ASCII));

    static final byte[] ROOT_DER = "fake root certificate DER bytes #1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OTHER_ROOT_DER = "fake root certificate DER bytes #2".getBytes(StandardCharsets.US_ASCII);
    static final String ROOT_PEM = pem("CERTIFICATE", ROOT_DER);
    static final String OTHER_ROOT_PEM = pem("CERTIFICATE", OTHER_ROOT_DER);

    private Fixtures() {
    }

    /** A PEM block with 64-character lines, as openssl writes them. */
    static String pem(String label, byte[] body) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(body);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }

    /** An ordered map from alternating keys and values; values may be null, as in parsed JSON. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static SuppliedRoot root(byte[] der) {
        return new SuppliedRoot(pem("CERTIFICATE", der), CaConfigDecoder.sha256Hex(der));
    }
}
