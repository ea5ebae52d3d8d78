package dev.meshfed.lambda;

import dev.meshfed.app.auth.AclsOff;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.custody.LocalKeyCustody;
import dev.meshfed.pki.BcCertificateIssuer;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.pki.JcaKeyPairFactory;
import dev.meshfed.store.embedded.EmbeddedFederation;
import dev.meshfed.testkit.MutableClock;
import dev.meshfed.testkit.TestFederation;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

/**
 * The test wiring, replacing {@link LambdaWiring} (a {@code @DefaultBean}) in every
 * {@code @QuarkusTest}: one primary DC {@code dc1} on the embedded store under a random local KEK.
 * Its trust bundle is the testkit's root (trust domain of the committed CSR fixtures), written with
 * its wrapped root key as {@code rotate-leaves} keeps them; then one {@code rotate-leaves} tick
 * issues dc1's intermediate, as in a deployed primary. No network.
 */
@ApplicationScoped
public class EmbeddedWiring implements Wiring {

    private volatile DcFunctions functions;
    private volatile EmbeddedFederation federation;

    @Override
    public synchronized DcFunctions functions() {
        if (functions == null) {
            MutableClock clock = new MutableClock(Instant.now()); // TestFederation issues on this clock
            CryptoProviders providers = CryptoProviders.of(CryptoProviders.Preference.AUTO);
            EmbeddedFederation fed = new EmbeddedFederation(List.of("dc1"), "dc1", clock);
            byte[] kek = new byte[LocalKeyCustody.KEK_BYTES];
            new SecureRandom().nextBytes(kek);
            LocalKeyCustody custody = new LocalKeyCustody(kek);
            TestFederation pki = TestFederation.create(new BcCertificateIssuer(providers),
                    new JcaKeyPairFactory(providers, new SecureRandom()), KeySpec.EC_P256, clock);
            var dc1 = fed.dc("dc1");
            dc1.caStore().putBundle(pki.bundle(), 0);
            String rootKeyId = KeyIds.keyIdHex(pki.activeRoot().certificate().getPublicKey());
            dc1.privateStore().putSignerKey(rootKeyId, custody.wrap(pki.activeRoot().keys().getPrivate(),
                    new KeyContext("dc1", rootKeyId, KeyPurpose.ROOT)));
            DcFunctions f = DcFunctions.build(dc1.caStore(), dc1.privateStore(), custody, providers, new AclsOff(),
                    BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT, clock);
            f.rotateLeaves().tick(); // dc1's intermediate
            dc1.privateStore().bumpChangeIndex();
            federation = fed;
            functions = f;
        }
        return functions;
    }

    EmbeddedFederation federation() {
        functions();
        return federation;
    }
}
