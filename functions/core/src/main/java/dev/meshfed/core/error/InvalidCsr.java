package dev.meshfed.core.error;

/**
 * A certificate signing request was refused (400). {@link #reason()} names the rule that failed,
 * so callers and tests can tell the checks apart without comparing message text.
 */
public final class InvalidCsr extends MeshfedException {

    /** The check that refused the request, in the order of certificates.md. */
    public enum Reason {
        TOO_LARGE, NOT_A_CSR_PEM, MALFORMED, BAD_SIGNATURE, WEAK_OR_UNSUPPORTED_KEY,
        URI_COUNT, EMAIL_SAN, UNSUPPORTED_SAN, DNS_OR_IP_NOT_ALLOWED, NOT_A_LEAF_IDENTITY, PARTITION_UNSUPPORTED,
        WRONG_TRUST_DOMAIN, WRONG_DATACENTER, CA_REQUESTED, NOT_A_CA_SIGNING_ID,
        NOT_A_MEMBER, BAD_ENROLMENT_SIGNATURE, UNEXPECTED_ROOT
    }

    private final Reason reason;

    public InvalidCsr(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
