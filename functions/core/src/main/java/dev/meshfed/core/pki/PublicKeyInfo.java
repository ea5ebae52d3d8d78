package dev.meshfed.core.pki;

/**
 * What a request's public key is, as read from its SubjectPublicKeyInfo by the adapter that parsed
 * it: the algorithm ({@code ec}, {@code rsa}, or the algorithm's name/OID for anything else),
 * the size in bits (modulus for RSA, field size for EC; 0 when unknown) and, for EC keys, the
 * curve's name ({@code P-256}, {@code P-384}, {@code secp256k1}, or the OID; {@code explicit}
 * for explicitly encoded parameters, which are never accepted).
 */
public record PublicKeyInfo(String algorithm, int bits, String curve) {

    public static final String P256 = "P-256";
    public static final String P384 = "P-384";

    /** Leaf CSR keys (meshfed): EC P-256 or P-384, or RSA 2048 to 4096 bits. */
    public boolean allowedForLeaf() {
        return isEc(P256) || isEc(P384) || ("rsa".equals(algorithm) && bits >= 2048 && bits <= 4096);
    }

    /** CA keys: the four {@link KeySpec}s. */
    public KeySpec caSpec() {
        if (isEc(P256)) {
            return KeySpec.EC_P256;
        }
        if (isEc(P384)) {
            return KeySpec.EC_P384;
        }
        if ("rsa".equals(algorithm) && bits == 2048) {
            return KeySpec.RSA_2048;
        }
        if ("rsa".equals(algorithm) && bits == 4096) {
            return KeySpec.RSA_4096;
        }
        return null;
    }

    private boolean isEc(String name) {
        return "ec".equals(algorithm) && name.equals(curve);
    }

    /** e.g. {@code ec P-256}, {@code rsa 1024 bits}, {@code ed25519}. */
    public String describe() {
        if ("ec".equals(algorithm)) {
            return "ec " + curve;
        }
        if ("rsa".equals(algorithm)) {
            return "rsa " + bits + " bits";
        }
        return algorithm;
    }
}
