package dev.meshfed.core.pki;

import static dev.meshfed.core.error.InvalidCsr.Reason.BAD_SIGNATURE;
import static dev.meshfed.core.error.InvalidCsr.Reason.CA_REQUESTED;
import static dev.meshfed.core.error.InvalidCsr.Reason.DNS_OR_IP_NOT_ALLOWED;
import static dev.meshfed.core.error.InvalidCsr.Reason.EMAIL_SAN;
import static dev.meshfed.core.error.InvalidCsr.Reason.NOT_A_LEAF_IDENTITY;
import static dev.meshfed.core.error.InvalidCsr.Reason.PARTITION_UNSUPPORTED;
import static dev.meshfed.core.error.InvalidCsr.Reason.TOO_LARGE;
import static dev.meshfed.core.error.InvalidCsr.Reason.UNSUPPORTED_SAN;
import static dev.meshfed.core.error.InvalidCsr.Reason.URI_COUNT;
import static dev.meshfed.core.error.InvalidCsr.Reason.WEAK_OR_UNSUPPORTED_KEY;
import static dev.meshfed.core.error.InvalidCsr.Reason.WRONG_DATACENTER;
import static dev.meshfed.core.error.InvalidCsr.Reason.WRONG_TRUST_DOMAIN;

import dev.meshfed.core.error.InvalidCsr;
import dev.meshfed.core.config.CidrRange;
import dev.meshfed.core.config.DnsSuffixes;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.UntrustedText;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.SpiffeId;
import dev.meshfed.core.identity.TrustDomain;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.List;
import java.util.Locale;

/**
 * The leaf CSR checks of certificates.md, in their order; the first that fails decides the error,
 * and nothing is signed or stored for a refused request.
 *
 * <ol>
 *   <li>size ≤ {@value #MAX_CSR_BYTES} bytes, one {@code CERTIFICATE REQUEST} PEM block, PKCS#10;</li>
 *   <li>its key is allowed for leaves and its own signature verifies;</li>
 *   <li>exactly one URI SAN, no e-mail or other SAN kinds, DNS/IP SANs only within the DC's allow lists;</li>
 *   <li>the URI is a service or mesh-gateway SPIFFE ID in the default partition;</li>
 *   <li>its trust domain and DC are ours;</li>
 *   <li>authorization ({@link LeafSigningGates#authorize});</li>
 *   <li>no CA basic constraint requested;</li>
 *   <li>rate limit ({@link LeafSigningGates#acquireRateLimit});</li>
 *   <li>a valid signer ({@link LeafSigningGates#requireSigner}).</li>
 * </ol>
 */
public final class LeafCsrValidator {

    /** Largest CSR accepted, in bytes of PEM text (a larger one in a body under 64 KiB is a 400). */
    public static final int MAX_CSR_BYTES = 16 * 1024;

    /** What the DC allows beside the SPIFFE ID. */
    public record Policy(TrustDomain trustDomain, Datacenter datacenter, List<String> allowedDnsSuffixes,
            List<CidrRange> allowedIpRanges) {
        public Policy {
            allowedDnsSuffixes = allowedDnsSuffixes.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
            allowedIpRanges = List.copyOf(allowedIpRanges);
        }
    }

    /** A request that passed every check: what the leaf profile needs. */
    public record Approved(SpiffeId identity, PublicKey publicKey, byte[] publicKeyInfo, List<String> dnsNames,
            List<byte[]> ipAddresses) {
    }

    private final CsrParser parser;

    public LeafCsrValidator(CsrParser parser) {
        this.parser = parser;
    }

    public Approved validate(String csrPem, Policy policy, LeafSigningGates gates) {
        // 1. size, PEM framing, PKCS#10
        if (csrPem == null || csrPem.length() > MAX_CSR_BYTES
                || csrPem.getBytes(StandardCharsets.UTF_8).length > MAX_CSR_BYTES) {
            throw new InvalidCsr(TOO_LARGE, "CSR too large");
        }
        CertificateRequest csr = parser.parse(csrPem);

        // 2. proof of possession and key rules
        // The key rule comes first within this step: it is cheap, it keeps hostile keys (huge RSA
        // moduli, odd curves) away from the verifier, and an unsupported curve cannot be verified.
        requireKeyThenSignature(csr, csr.keyInfo().allowedForLeaf(), "ec P-256, ec P-384, rsa 2048 to 4096 bits");

        // 3. SAN shape
        if (csr.uris().size() != 1) {
            throw new InvalidCsr(URI_COUNT, "CSR SAN contains an invalid number of URIs: " + csr.uris().size());
        }
        if (!csr.emails().isEmpty()) {
            throw new InvalidCsr(EMAIL_SAN, "CSR SAN contains an e-mail address; e-mail SANs are not allowed");
        }
        if (csr.otherSanCount() > 0) {
            throw new InvalidCsr(UNSUPPORTED_SAN, "CSR SAN contains a name type other than URI, DNS or IP");
        }
        for (String dns : csr.dnsNames()) {
            if (!dnsAllowed(dns, policy.allowedDnsSuffixes())) {
                throw new InvalidCsr(DNS_OR_IP_NOT_ALLOWED, "CSR SAN contains a DNS name that is not allowed: "
                        + UntrustedText.bounded(dns));
            }
        }
        for (byte[] ip : csr.ipAddresses()) {
            if (policy.allowedIpRanges().stream().noneMatch(r -> r.contains(ip))) {
                throw new InvalidCsr(DNS_OR_IP_NOT_ALLOWED, "CSR SAN contains an IP address that is not allowed: "
                        + CidrRange.format(ip));
            }
        }

        // 4. a service or mesh gateway identity
        SpiffeId id;
        try {
            id = SpiffeId.parse(csr.uris().get(0));
        } catch (InvalidInput e) {
            throw new InvalidCsr(NOT_A_LEAF_IDENTITY, SpiffeId.formatError(UntrustedText.bounded(csr.uris().get(0))));
        }
        String partition;
        String dc;
        if (id instanceof SpiffeId.Service s) {
            partition = s.partition();
            dc = s.datacenter();
        } else if (id instanceof SpiffeId.MeshGateway g) {
            partition = g.partition();
            dc = g.datacenter();
        } else {
            throw new InvalidCsr(NOT_A_LEAF_IDENTITY, "SPIFFE ID in CSR must be a service or mesh-gateway ID");
        }
        if (!SpiffeId.DEFAULT_PARTITION.equals(partition)) {
            throw new InvalidCsr(PARTITION_UNSUPPORTED, "SPIFFE ID in CSR is in partition " + UntrustedText.bounded(partition)
                    + "; partitions other than default are not supported");
        }

        // 5. ours: trust domain, then datacenter
        if (!id.trustDomain().equals(policy.trustDomain().value())) {
            throw new InvalidCsr(WRONG_TRUST_DOMAIN, "SPIFFE ID in CSR from a different trust domain: "
                    + UntrustedText.bounded(id.trustDomain()) + ", we are " + policy.trustDomain());
        }
        if (!dc.equals(policy.datacenter().name())) {
            throw new InvalidCsr(WRONG_DATACENTER, "SPIFFE ID in CSR from a different datacenter: " + UntrustedText.bounded(dc)
                    + ", we are " + policy.datacenter());
        }

        // 6. authorization
        gates.authorize(id);

        // 7. no CA
        if (csr.requestsCa()) {
            throw new InvalidCsr(CA_REQUESTED, "CSR requests a CA certificate; leaf CSRs may not");
        }

        // 8. rate limit, 9. signer
        gates.acquireRateLimit();
        gates.requireSigner();
        return new Approved(id, csr.publicKey(), csr.publicKeyInfo(), csr.dnsNames(), csr.ipAddresses());
    }

    /**
     * Check 2 for leaf and intermediate requests alike: the key rule first, then the signature.
     *
     * @param allowed the accepted key types, for the refusal text
     */
    static void requireKeyThenSignature(CertificateRequest csr, boolean keyAllowed, String allowed) {
        if (!keyAllowed) {
            throw new InvalidCsr(WEAK_OR_UNSUPPORTED_KEY, "CSR key is not allowed: " + csr.keyInfo().describe()
                    + "; allowed: " + allowed);
        }
        if (!csr.signatureVerifies()) {
            throw new InvalidCsr(BAD_SIGNATURE, "CSR signature does not verify");
        }
    }

    /** A well-formed DNS name (a leading {@code *.} allowed) within one of the allowed suffixes. */
    static boolean dnsAllowed(String name, List<String> suffixes) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.isEmpty() || n.length() > DnsSuffixes.MAX_NAME_LENGTH
                || !n.matches("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
            return false;
        }
        return suffixes.stream().anyMatch(s -> DnsSuffixes.matches(s, n));
    }
}
