package dev.meshfed.core.pki;

import static dev.meshfed.core.error.InvalidCsr.Reason.BAD_ENROLMENT_SIGNATURE;
import static dev.meshfed.core.error.InvalidCsr.Reason.NOT_A_CA_SIGNING_ID;
import static dev.meshfed.core.error.InvalidCsr.Reason.NOT_A_MEMBER;
import static dev.meshfed.core.error.InvalidCsr.Reason.TOO_LARGE;
import static dev.meshfed.core.error.InvalidCsr.Reason.UNEXPECTED_ROOT;
import static dev.meshfed.core.error.InvalidCsr.Reason.UNSUPPORTED_SAN;
import static dev.meshfed.core.error.InvalidCsr.Reason.URI_COUNT;

import dev.meshfed.core.error.InvalidCsr;
import dev.meshfed.core.error.UntrustedText;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.TrustDomain;
import java.security.PublicKey;
import java.util.Map;

/**
 * The primary's checks of a secondary's intermediate CSR request, in order: the DC is a member;
 * the request is signed by that member's registered enrolment key; the CSR parses, its key meets
 * the CA key rules and its own signature verifies; exactly one URI SAN, equal to
 * {@code spiffe://<td>}, and nothing else; the request names the active root. A refusal's message is what the
 * primary writes as the request's result.
 */
public final class IntermediateCsrValidator {

    /** What the primary signs from an accepted request. */
    public record Approved(Datacenter datacenter, PublicKey publicKey, KeySpec keySpec) {
    }

    private final CsrParser parser;

    public IntermediateCsrValidator(CsrParser parser) {
        this.parser = parser;
    }

    /**
     * @param enrolmentKeys the membership: every member secondary and its enrolment public key
     */
    public Approved validate(IntermediateCsrRequest request, Map<Datacenter, PublicKey> enrolmentKeys,
            TrustDomain trustDomain, String activeRootId) {
        Datacenter dc = request.datacenter();
        PublicKey enrolmentKey = enrolmentKeys.get(dc);
        if (enrolmentKey == null) {
            throw new InvalidCsr(NOT_A_MEMBER, "datacenter " + dc + " is not a federation member");
        }
        if (!EnrolmentSignatures.verify(request, enrolmentKey)) {
            throw new InvalidCsr(BAD_ENROLMENT_SIGNATURE,
                    "intermediate CSR request of " + dc + " is not signed by its registered enrolment key");
        }
        if (request.csrPem() == null || request.csrPem().length() > LeafCsrValidator.MAX_CSR_BYTES) {
            throw new InvalidCsr(TOO_LARGE, "CSR too large");
        }
        CertificateRequest csr = parser.parse(request.csrPem());
        KeySpec spec = csr.keyInfo().caSpec();
        LeafCsrValidator.requireKeyThenSignature(csr, spec != null, "ec P-256, ec P-384, rsa 2048 or 4096 bits");
        if (csr.uris().size() != 1) {
            throw new InvalidCsr(URI_COUNT, "CSR SAN contains an invalid number of URIs: " + csr.uris().size());
        }
        String expectedUri = trustDomain.signingId().uri();
        String uri = csr.uris().get(0);
        if (!expectedUri.equals(uri)) {
            throw new InvalidCsr(NOT_A_CA_SIGNING_ID, "intermediate CSR URI SAN must be " + expectedUri + ", got "
                    + UntrustedText.bounded(uri));
        }
        if (!csr.dnsNames().isEmpty() || !csr.ipAddresses().isEmpty() || !csr.emails().isEmpty()
                || csr.otherSanCount() > 0) {
            throw new InvalidCsr(UNSUPPORTED_SAN, "intermediate CSR may carry no SAN but the URI " + expectedUri);
        }
        if (!activeRootId.equals(request.expectedRootId())) {
            throw new InvalidCsr(UNEXPECTED_ROOT, "intermediate CSR request expects root "
                    + UntrustedText.bounded(request.expectedRootId())
                    + " but the active root is " + activeRootId);
        }
        return new Approved(dc, csr.publicKey(), spec);
    }
}
