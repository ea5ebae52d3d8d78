package dev.meshfed.app.ca;

import dev.meshfed.core.bundle.ChainAssembler;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.SignerState;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.custody.WrappedKey;
import dev.meshfed.core.error.NotReady;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.LeafSigner;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.pki.CryptoProviders;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * This DC's signer as the leaf path uses it (certificates.md, leaf CSR check 9).
 *
 * <p>Loading: the DC's signer item ({@link CaStore#signer}: a {@link SignerRecord} in state
 * {@link SignerState#ACTIVE} whose chain ends with the signing intermediate), then its wrapped key
 * ({@link PrivateStore#signerKey}, key ID = {@link KeyIds#keyIdHex} of the intermediate's public
 * key), unwrapped through {@link KeyCustody} with purpose {@link KeyPurpose#INTERMEDIATE} (the only
 * purpose this class ever names: the leaf path cannot ask for a root key), and imported once into
 * the chosen provider ({@link CryptoProviders#importPrivateKey}).
 *
 * <p>Caching: the loaded signer is kept per container. The signer item is re-read at most every
 * {@link #REFRESH} (or at once after {@link #invalidate()}); the key is unwrapped again only when the
 * key ID changes, so a chain update under the same key (a cross-signed certificate added) costs
 * no custody call. A re-key is therefore seen within {@code REFRESH}; until then the previous
 * signer keeps signing, which architecture.md flow 4 allows.
 *
 * <p>Validity is checked on every call against the injected clock, never cached: an expired or
 * not-yet-valid intermediate never signs.
 *
 * <p>Thread-safe: the cache is one immutable snapshot behind a volatile field; two threads that
 * refresh at once both load, and the last one wins.
 */
public final class ActiveSigner {

    /** Check 9's text in the primary before its bootstrap (certificates.md). */
    public static final String PRIMARY_NOT_INITIALIZED = "CA has not finished initializing";
    /** Check 9's text in a secondary before it has joined (certificates.md). */
    public static final String SECONDARY_NOT_INITIALIZED = "CA is uninitialized and unable to sign certificates yet";
    /** The text when the DC has a signer whose certificate is outside its validity at this instant (meshfed). */
    public static final String SIGNER_NOT_VALID = "CA signing certificate is expired or not yet valid";
    /**
     * The text when the DC's signer item holds a chain the trust bundle's roots did not certify
     * (meshfed; see {@link ChainTrust}): the DC neither signs with it nor serves it, and
     * rotate-leaves requests a new intermediate.
     */
    public static final String SIGNER_NOT_CERTIFIED = "CA signing certificate is not certified by a trusted root";
    /** How long a loaded signer is used before its item is read again. */
    public static final Duration REFRESH = Duration.ofSeconds(5);
    /** {@code Retry-After} of the 503s: a bootstrap or join completes within a tick or two. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /** A loaded signer: the item version it came from and what signing needs. */
    public record Loaded(long itemVersion, String keyId, DcChain chain, LeafSigner signer, Instant readAt) {
    }

    private final CaStore caStore;
    private final PrivateStore privateStore;
    private final KeyCustody custody;
    private final CryptoProviders providers;
    private final Clock clock;
    private final boolean primary;
    private volatile Loaded cached;

    public ActiveSigner(CaStore caStore, PrivateStore privateStore, KeyCustody custody, CryptoProviders providers,
            Clock clock) {
        this.caStore = Objects.requireNonNull(caStore, "caStore");
        this.privateStore = Objects.requireNonNull(privateStore, "privateStore");
        this.custody = Objects.requireNonNull(custody, "custody");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.primary = caStore.localDc().equals(caStore.primaryDc());
    }

    /**
     * The signer valid now.
     *
     * @throws NotReady with {@link #PRIMARY_NOT_INITIALIZED} or {@link #SECONDARY_NOT_INITIALIZED} while
     *     the DC has no active signer, {@link #SIGNER_NOT_VALID} when its certificate is not valid now
     * @throws dev.meshfed.core.custody.KeyUnwrapFailed when the stored key does not unwrap (a fault: 500)
     * @throws IllegalStateException when the signer item names a key the private table lacks (a fault)
     */
    public Loaded require() {
        Instant now = clock.instant();
        Loaded l = current(now).orElseThrow(() -> new NotReady(notInitializedText(), RETRY_AFTER));
        if (!Certificates.isValidAt(l.signer().certificate(), now)) {
            throw new NotReady(SIGNER_NOT_VALID, RETRY_AFTER);
        }
        return l;
    }

    /**
     * The key ID of the signer {@link #require()} would return now, from the signer item alone: no
     * key is unwrapped, so a caller that only reports on the signer (ca-admin's
     * {@code GET /v1/operator/replication}) needs no KMS grant for the intermediate key. Empty where
     * {@code require()} throws {@link NotReady}: no active signer, or its certificate not valid now.
     * Reads the item on every call (nothing cached).
     */
    public Optional<String> validKeyId() {
        Instant now = clock.instant();
        return activeChain().map(DcChain::signer).filter(c -> Certificates.isValidAt(c, now))
                .map(c -> KeyIds.keyIdHex(c.getPublicKey()));
    }

    /** Forgets the cached signer: the next call reads the item again (a stream handler saw a signer change). */
    public void invalidate() {
        cached = null;
    }

    /** The text of a 503 for a DC without an active signer, by role. */
    public String notInitializedText() {
        return primary ? PRIMARY_NOT_INITIALIZED : SECONDARY_NOT_INITIALIZED;
    }

    private Optional<Loaded> current(Instant now) {
        Loaded l = cached;
        if (l != null && now.isBefore(l.readAt().plus(REFRESH)) && !now.isBefore(l.readAt())) {
            return Optional.of(l);
        }
        Optional<Loaded> fresh = load(l, now);
        cached = fresh.orElse(null);
        return fresh;
    }

    private Optional<Loaded> load(Loaded previous, Instant now) {
        Optional<Versioned<SignerRecord>> item = activeItem();
        if (item.isEmpty()) {
            return Optional.empty();
        }
        DcChain chain = certified(item.get().value().chain())
                .orElseThrow(() -> new NotReady(SIGNER_NOT_CERTIFIED, RETRY_AFTER));
        X509Certificate certificate = chain.signer();
        String keyId = KeyIds.keyIdHex(certificate.getPublicKey());
        PrivateKey key = previous != null && previous.keyId().equals(keyId)
                ? previous.signer().key()
                : unwrap(keyId);
        LeafSigner signer = LeafSigner.of(certificate, key, chainEndingWith(chain, certificate, now));
        return Optional.of(new Loaded(item.get().version(), keyId, chain, signer, now));
    }

    /** The DC's signer item when it is active with a chain (the chain ends with the signing intermediate). */
    private Optional<Versioned<SignerRecord>> activeItem() {
        return caStore.signer(caStore.localDc(), false)
                .filter(v -> v.value().state() == SignerState.ACTIVE && v.value().chain() != null);
    }

    private Optional<DcChain> activeChain() {
        return activeItem().flatMap(v -> certified(v.value().chain()));
    }

    /**
     * The certified part of the DC's chain ({@link ChainTrust#certifiedPart}), judged against the
     * bundle replica; if that fails, once more against a consistent read, because the DC may have
     * activated an intermediate under a root it read consistently a moment ago.
     */
    private Optional<DcChain> certified(DcChain chain) {
        for (boolean consistent : new boolean[] {false, true}) {
            Optional<DcChain> c = caStore.bundle(consistent).flatMap(b -> ChainTrust.certifiedPart(chain, b.value()));
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    private PrivateKey unwrap(String keyId) {
        WrappedKey wrapped = privateStore.signerKey(keyId).map(Versioned::value)
                .orElseThrow(() -> new IllegalStateException("signer of " + caStore.localDc() + " names key " + keyId
                        + " but the private table has no such key"));
        // INTERMEDIATE only: the leaf path never names the root purpose, so a KMS key policy that
        // keeps root keys to rotate-leaves holds even if this code were misused.
        PrivateKey key = custody.unwrap(wrapped, new KeyContext(caStore.localDc(), keyId, KeyPurpose.INTERMEDIATE));
        return providers.importPrivateKey(key);
    }

    /** The DC's unexpired chain under its signing root; the signer itself stays last even when expired (then it never signs). */
    private static java.util.List<X509Certificate> chainEndingWith(DcChain chain, X509Certificate signer, Instant now) {
        java.util.List<X509Certificate> unexpired = ChainAssembler.leafChain(chain, now);
        if (!unexpired.isEmpty() && unexpired.get(unexpired.size() - 1).equals(signer)) {
            return unexpired;
        }
        java.util.List<X509Certificate> out = new java.util.ArrayList<>(unexpired);
        out.remove(signer);
        out.add(signer);
        return out;
    }
}
