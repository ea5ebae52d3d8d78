package dev.meshfed.testkit;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The JDK's own PKIX implementation (SUN provider) as a second independent verifier: it builds a
 * path from the target through the candidate certificates to one of the trust anchors and
 * validates it at a given time (revocation off: meshfed's leaves are short-lived, no CRLs).
 */
public final class Pkix {
    private Pkix() {
    }

    /** The validated path (target first, anchor excluded). Throws when no valid path exists. */
    public static CertPath validate(Collection<X509Certificate> trusted, List<X509Certificate> candidates,
            X509Certificate target, Instant at) throws GeneralSecurityException {
        Set<TrustAnchor> anchors = new HashSet<>();
        trusted.forEach(t -> anchors.add(new TrustAnchor(t, null)));
        X509CertSelector sel = new X509CertSelector();
        sel.setCertificate(target);
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, sel);
        params.setRevocationEnabled(false);
        params.setDate(Date.from(at));
        List<X509Certificate> all = new ArrayList<>(candidates);
        all.add(target);
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(all)));
        // The builder uses the SUN provider's PKIX, which also runs the validator on the path.
        PKIXCertPathBuilderResult r = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX", "SUN").build(params);
        return r.getCertPath();
    }

    /** True when {@link #validate} finds a valid path. */
    public static boolean valid(Collection<X509Certificate> trusted, List<X509Certificate> candidates,
            X509Certificate target, Instant at) {
        try {
            validate(trusted, candidates, target, at);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
