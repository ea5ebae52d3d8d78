package dev.meshfed.testkit.store;

import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.identity.ClusterId;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.testkit.Fixtures;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Domain values built from committed public fixtures, for storage tests on every substrate. */
public final class StoreSamples {
    private StoreSamples() {
    }

    public static X509Certificate cert(String name) {
        return Certificates.fromPem(Fixtures.text(StoreSamples.class, "/fixtures/bundle/" + name + ".pem")).get(0);
    }

    /** A bundle after one rotation: root 1 inactive, root 2 active with its cross-signed certificate. */
    public static TrustBundle rotatedBundle(Instant rotatedAt) {
        TrustBundle first = TrustBundle.first(new ClusterId(Fixtures.CLUSTER_ID),
                new TrustedRoot(cert("root-1"), KeySpec.EC_P256, true, null, null));
        return first.rotate(new TrustedRoot(cert("root-2"), KeySpec.EC_P256, true, null, null), cert("cross-2-by-1"),
                rotatedAt);
    }

    /** dc2's chains under both roots, signing under root 2, stopped under root 1 at {@code at}. */
    public static DcChain dc2Chain(TrustBundle rotated, Instant at) {
        String r1 = rotated.roots().get(0).id();
        String r2 = rotated.activeRootId();
        return new DcChain(new Datacenter("dc2"), r2,
                Map.of(r1, List.of(cert("dc2-under-1")), r2, List.of(cert("cross-2-by-1"), cert("dc2-under-2"))),
                Map.of(r1, at));
    }
}
