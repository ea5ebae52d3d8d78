package dev.meshfed.core.pki;

import dev.meshfed.core.error.InvalidInput;

/**
 * A key type and size that meshfed generates or accepts. CA keys are limited to {@link #CA_KEYS};
 * leaf keys that meshfed makes are always {@link #EC_P256}.
 */
public enum KeySpec {
    EC_P256("ec", 256, "secp256r1", SignatureAlgorithm.ECDSA_SHA256),
    EC_P384("ec", 384, "secp384r1", SignatureAlgorithm.ECDSA_SHA384),
    RSA_2048("rsa", 2048, null, SignatureAlgorithm.RSA_SHA256),
    RSA_4096("rsa", 4096, null, SignatureAlgorithm.RSA_SHA256);

    private final String type;
    private final int bits;
    private final String curve;
    private final SignatureAlgorithm signatureAlgorithm;

    KeySpec(String type, int bits, String curve, SignatureAlgorithm signatureAlgorithm) {
        this.type = type;
        this.bits = bits;
        this.curve = curve;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** Consul's {@code PrivateKeyType}: {@code ec} or {@code rsa}. */
    public String type() {
        return type;
    }

    /** Consul's {@code PrivateKeyBits}. */
    public int bits() {
        return bits;
    }

    /** The JCA standard curve name for EC keys, null for RSA. */
    public String curve() {
        return curve;
    }

    public boolean isEc() {
        return curve != null;
    }

    /** The signature algorithm a certificate signed by a key of this spec uses. */
    public SignatureAlgorithm signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /**
     * The spec of an existing key (a signer's certificate key), or null when it is none of the four.
     */
    public static KeySpec of(java.security.PublicKey key) {
        if (key instanceof java.security.interfaces.ECPublicKey ec) {
            int field = ec.getParams().getCurve().getField().getFieldSize();
            return field == 256 ? EC_P256 : field == 384 ? EC_P384 : null;
        }
        if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits == 2048 ? RSA_2048 : bits == 4096 ? RSA_4096 : null;
        }
        return null;
    }

    /** The CA key types of the CA configuration (meshfed refuses Consul's EC 224 and 521). */
    public static KeySpec forCa(String type, int bits) {
        for (KeySpec s : values()) {
            if (s.type.equals(type) && s.bits == bits) {
                return s;
            }
        }
        throw new InvalidInput("unsupported CA key: " + type + " " + bits + " bits; allowed: ec 256, ec 384, rsa 2048, rsa 4096");
    }
}
