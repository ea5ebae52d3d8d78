package dev.meshfed.lambda;

import dev.meshfed.app.wiring.DcFunctions;
import dev.meshfed.app.config.DcConfig;
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
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.TestFederation;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoreUnavailable;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.TableStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
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
            // the CA table behind a switch, so a test can make the store unavailable
            CaStore ca = new CaStore(new Switchable(dc1.table(Table.CA), () -> caTableDown), "dc1", "dc1", clock);
            IntentionStore intentions = new IntentionStore(new Switchable(dc1.table(Table.INTENTIONS),
                    () -> intentionsTableDown), "dc1", "dc1", clock);
            DcFunctions f = DcFunctions.build(ca, intentions, dc1.privateStore(), custody, providers,
                    DcConfig.AclMode.OFF, java.util.Optional.empty(),
                    BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT, clock);
            f.rotateLeaves().tick(); // dc1's intermediate
            dc1.privateStore().bumpChangeIndex();
            federation = fed;
            functions = f;
        }
        return functions;
    }

    /** While set, every read and write of the CA table fails with {@link StoreUnavailable}. */
    void caTableDown(boolean down) {
        caTableDown = down;
    }

    private static volatile boolean caTableDown;

    /** While set, every read and write of the intentions table fails with {@link StoreUnavailable}. */
    void intentionsTableDown(boolean down) {
        intentionsTableDown = down;
    }

    private static volatile boolean intentionsTableDown;

    /** A table store that fails while {@code down} says so. */
    private record Switchable(TableStore delegate, java.util.function.BooleanSupplier down) implements TableStore {
        private void check() {
            if (down.getAsBoolean()) {
                throw new StoreUnavailable("table down (test switch)");
            }
        }

        @Override
        public Optional<StoredItem> get(ItemKey key, boolean consistent) {
            check();
            return delegate.get(key, consistent);
        }

        @Override
        public void put(StoredItem item, long expectedVersion) {
            check();
            delegate.put(item, expectedVersion);
        }

        @Override
        public void delete(ItemKey key, long expectedVersion) {
            check();
            delegate.delete(key, expectedVersion);
        }

        @Override
        public Page query(String owner, String kind, String startAfter, int limit, boolean consistent) {
            check();
            return delegate.query(owner, kind, startAfter, limit, consistent);
        }
    }

    EmbeddedFederation federation() {
        functions();
        return federation;
    }
}
