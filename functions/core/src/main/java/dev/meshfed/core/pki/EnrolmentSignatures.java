package dev.meshfed.core.pki;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Signing and checking intermediate CSR requests with a DC's enrolment key (EC P-256, ECDSA with
 * SHA-256). A secondary signs; the primary checks against the key registered in its membership.
 */
public final class EnrolmentSignatures {
    public static final String ALGORITHM = "SHA256withECDSA";

    private EnrolmentSignatures() {
    }

    public static byte[] sign(IntermediateCsrRequest unsigned, PrivateKey enrolmentKey) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(enrolmentKey);
            s.update(unsigned.signedPayload());
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("enrolment signing failed: " + e.getClass().getSimpleName());
        }
    }

    /** False for a wrong key, a wrong signature or a malformed one; never throws for bad input. */
    public static boolean verify(IntermediateCsrRequest request, PublicKey enrolmentKey) {
        if (request.enrolmentSignature() == null || request.enrolmentSignature().length == 0
                || request.enrolmentSignature().length > 512) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(enrolmentKey);
            s.update(request.signedPayload());
            return s.verify(request.enrolmentSignature());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
