package dev.meshfed.core.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A DC's active signer as the leaf signing path uses it: the intermediate, its key (already in
 * the chosen provider's form) and the chain that follows every leaf (cross-signed root first,
 * intermediates, the signer last; see {@code ChainAssembler}), PEM-encoded once.
 */
public record LeafSigner(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain, String chainPem) {

    public LeafSigner {
        chain = List.copyOf(chain);
    }

    /** @param chain the DC's unexpired chain under its signing root, ending with {@code certificate} */
    public static LeafSigner of(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {
        if (chain.isEmpty() || !chain.get(chain.size() - 1).equals(certificate)) {
            throw new IllegalArgumentException("the chain must end with the signing certificate");
        }
        StringBuilder pem = new StringBuilder();
        for (int i = chain.size() - 1; i >= 0; i--) {
            pem.append(Certificates.toPem(chain.get(i))); // signer first: leaf-to-root, as a TLS stack expects
        }
        return new LeafSigner(certificate, key, chain, pem.toString());
    }

    @Override
    public String toString() {
        // never print the key
        return "LeafSigner[" + certificate.getSubjectX500Principal() + "]";
    }
}
