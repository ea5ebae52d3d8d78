package dev.meshfed.core.bundle;

import dev.meshfed.core.pki.Certificates;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Chains as clients see them. A DC's chain under its signing root is kept root side first
 * (cross-signed root first, intermediates, the signer last); a leaf response's {@code CertPEM} is
 * the leaf, then that chain in reverse (the signer first, each certificate certified by the next),
 * the order a TLS stack presents and JSSE's key stores require. Roots are never in a chain. The
 * roots response lists every trusted root with this DC's chain under it. Expired intermediates
 * are pruned from both.
 */
public final class ChainAssembler {

    private ChainAssembler() {
    }

    /** One entry of the roots response: a root and this DC's chain under it. */
    public record RootWithChain(TrustedRoot root, List<X509Certificate> intermediates) {
    }

    /** The chain that follows a new leaf, expired certificates pruned. */
    public static List<X509Certificate> leafChain(DcChain dc, Instant now) {
        return unexpired(dc.chainUnder(dc.signingRootId()), now);
    }

    /**
     * {@code CertPEM}: the leaf followed by its chain ({@link #leafChain}'s root-side-first order)
     * reversed, so each certificate is certified by the next; each PEM block ends with a newline.
     */
    public static String certPem(X509Certificate leaf, List<X509Certificate> chain) {
        StringBuilder sb = new StringBuilder(Certificates.toPem(leaf));
        for (int i = chain.size() - 1; i >= 0; i--) {
            sb.append(Certificates.toPem(chain.get(i)));
        }
        return sb.toString();
    }

    /** Every root trusted at {@code now}, each with this DC's unexpired chain under it. */
    public static List<RootWithChain> roots(TrustBundle bundle, DcChain dc, Instant now) {
        return bundle.trustedAt(now).stream()
                .map(r -> new RootWithChain(r, dc == null ? List.of() : unexpired(dc.chainUnder(r.id()), now)))
                .toList();
    }

    private static List<X509Certificate> unexpired(List<X509Certificate> chain, Instant now) {
        return chain.stream().filter(c -> !now.isAfter(c.getNotAfter().toInstant())).toList();
    }
}
