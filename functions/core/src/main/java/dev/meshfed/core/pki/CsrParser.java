package dev.meshfed.core.pki;

import dev.meshfed.core.error.InvalidCsr;

/** Turns a PEM text into a {@link CertificateRequest}. Implemented by the PKI adapter. */
public interface CsrParser {

    /**
     * Parses exactly one PEM block of type {@code CERTIFICATE REQUEST} holding a PKCS#10 request.
     * Does not verify the signature (that is the next check, {@link CertificateRequest#signatureVerifies()}).
     *
     * @throws InvalidCsr {@code NOT_A_CSR_PEM} with {@code first PEM-block should be CERTIFICATE
     *     REQUEST type} when the text has no such first block or more than one block, and
     *     {@code MALFORMED} when the DER does not parse
     */
    CertificateRequest parse(String pem);
}
