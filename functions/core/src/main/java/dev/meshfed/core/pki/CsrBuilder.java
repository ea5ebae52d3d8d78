package dev.meshfed.core.pki;

import java.security.KeyPair;

/**
 * Makes PKCS#10 requests for meshfed's own keys: a secondary's request for its intermediate. The
 * counterpart of {@link CsrParser}; implemented by the PKI adapter.
 */
public interface CsrBuilder {

    /**
     * A CA signing request: empty subject, one URI SAN ({@code uriSan}, {@code spiffe://<td>} for an
     * intermediate), signed by {@code key} with the algorithm its key type calls for.
     *
     * @return one PEM block of type {@code CERTIFICATE REQUEST}
     */
    String caRequest(KeyPair key, String uriSan);
}
