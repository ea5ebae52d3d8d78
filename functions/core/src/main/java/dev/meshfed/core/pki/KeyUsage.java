package dev.meshfed.core.pki;

/** X.509 key usage bits that meshfed sets (bit numbers as RFC 5280). */
public enum KeyUsage {
    DIGITAL_SIGNATURE(0), KEY_ENCIPHERMENT(2), KEY_AGREEMENT(4), KEY_CERT_SIGN(5), CRL_SIGN(6);

    private final int bit;

    KeyUsage(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }
}
