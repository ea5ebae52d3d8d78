package dev.meshfed.core.pki;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The leaf signing core: check a CSR in order, decide the leaf's fields, sign, and append the
 * chain. This is the unit the JMH benchmark measures; the {@code sign-csr} function adds the
 * HTTP, authorization, rate limit and inventory around it.
 */
public final class LeafSigningCore {
    private final LeafCsrValidator validator;
    private final CertificateProfiles profiles;
    private final CertificateIssuer issuer;

    public LeafSigningCore(CsrParser parser, CertificateProfiles profiles, CertificateIssuer issuer) {
        this.validator = new LeafCsrValidator(parser);
        this.profiles = profiles;
        this.issuer = issuer;
    }

    /**
     * @param now the DC's clock; the leaf is valid from {@code now − skew} to the earlier of
     *     {@code now + leafTtl} and the signer's NotAfter
     */
    public SignedLeaf sign(String csrPem, LeafCsrValidator.Policy policy, LeafSigningGates gates, LeafSigner signer,
            Instant now, Duration leafTtl) {
        return sign(csrPem, policy, gates, () -> signer, now, leafTtl);
    }

    /**
     * As {@link #sign(String, LeafCsrValidator.Policy, LeafSigningGates, LeafSigner, Instant, Duration)},
     * with the signer asked for only after every check passed (check 9, {@link LeafSigningGates#requireSigner},
     * included): the {@code sign-csr} function resolves its signer in that gate, so a DC without a valid
     * signer answers with the earlier checks' errors first and never needs a placeholder signer.
     */
    public SignedLeaf sign(String csrPem, LeafCsrValidator.Policy policy, LeafSigningGates gates,
            Supplier<LeafSigner> signerAfterChecks, Instant now, Duration leafTtl) {
        LeafCsrValidator.Approved ok = validator.validate(csrPem, policy, gates);
        LeafSigner signer = signerAfterChecks.get();
        CertificateTemplate t = profiles.leaf(ok.identity(), ok.publicKey(), ok.publicKeyInfo(), ok.dnsNames(),
                ok.ipAddresses(),
                signer.certificate(), now, leafTtl);
        byte[] der = issuer.sign(t, signer.key());
        String pem = Pem.encode(Pem.CERTIFICATE, der) + signer.chainPem();
        return new SignedLeaf(ok.identity(), t.serial(), der, pem, t.notBefore(), t.notAfter());
    }
}
