package dev.meshfed.core.pki;

import dev.meshfed.core.identity.ColonHex;
import dev.meshfed.core.identity.SpiffeId;
import java.math.BigInteger;
import java.time.Instant;

/**
 * A freshly signed leaf: what the sign response and the inventory record need.
 *
 * @param certPem the leaf followed by the DC's chain ({@code CertPEM})
 */
public record SignedLeaf(SpiffeId identity, BigInteger serial, byte[] der, String certPem, Instant notBefore,
        Instant notAfter) {

    /** {@code SerialNumber} in JSON: colon-hex of the minimal big-endian bytes. */
    public String serialHex() {
        return ColonHex.ofUnsigned(serial);
    }
}
