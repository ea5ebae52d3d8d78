package dev.meshfed.core.store;

import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.ca.CsrResult;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import dev.meshfed.core.store.codec.CaTableCodecs;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The CA table as one DC sees it (global; streamed to {@code rotate-leaves}). Every item names its
 * owner: the primary owns the bundle, membership, CSR results and rotation requests; each DC owns
 * its signer, CA configuration and CSR request. Writes go through an {@link OwnerGuard}, so a DC
 * can write only its own items; all updates are conditional on the version read.
 */
public final class CaStore {
    public static final String BUNDLE = "bundle";
    public static final String SIGNER = "signer";
    public static final String CA_CONFIG = "ca-config";
    public static final String MEMBERSHIP = "membership";
    public static final String CSR_REQUEST = "csr-request";
    public static final String CSR_RESULT = "csr-result";
    public static final String ROTATION = "rotation";
    static final String CURRENT = "current";

    /** Every kind of the CA table and its codec: how a stream handler decodes any record's image. */
    public static final Map<String, ItemCodec<?>> CODECS = Map.of(BUNDLE, CaTableCodecs.BUNDLE, SIGNER,
            CaTableCodecs.SIGNER, CA_CONFIG, CaTableCodecs.CA_CONFIG, MEMBERSHIP, CaTableCodecs.MEMBERSHIP, CSR_REQUEST,
            CaTableCodecs.CSR_REQUEST, CSR_RESULT, CaTableCodecs.CSR_RESULT, ROTATION, CaTableCodecs.ROTATION);

    private final String localDc;
    private final String primaryDc;
    private final Items<TrustBundle> bundles;
    private final Items<SignerRecord> signers;
    private final Items<CaConfig> configs;
    private final Items<Membership> memberships;
    private final Items<IntermediateCsrRequest> requests;
    private final Items<CsrResult> results;
    private final Items<RotationRequest> rotations;

    public CaStore(TableStore table, String localDc, String primaryDc, Clock clock) {
        TableStore guarded = new OwnerGuard(localDc, table);
        this.localDc = localDc;
        this.primaryDc = primaryDc;
        this.bundles = new Items<>(guarded, BUNDLE, CaTableCodecs.BUNDLE, clock);
        this.signers = new Items<>(guarded, SIGNER, CaTableCodecs.SIGNER, clock);
        this.configs = new Items<>(guarded, CA_CONFIG, CaTableCodecs.CA_CONFIG, clock);
        this.memberships = new Items<>(guarded, MEMBERSHIP, CaTableCodecs.MEMBERSHIP, clock);
        this.requests = new Items<>(guarded, CSR_REQUEST, CaTableCodecs.CSR_REQUEST, clock);
        this.results = new Items<>(guarded, CSR_RESULT, CaTableCodecs.CSR_RESULT, clock);
        this.rotations = new Items<>(guarded, ROTATION, CaTableCodecs.ROTATION, clock);
    }

    public String localDc() {
        return localDc;
    }

    public String primaryDc() {
        return primaryDc;
    }

    /** The trust bundle (this DC's replica of the primary's item). */
    public Optional<Versioned<TrustBundle>> bundle(boolean consistent) {
        return bundles.get(primaryDc, CURRENT, consistent);
    }

    /** Writes the bundle (primary only); {@code expectedVersion} 0 creates it, so concurrent bootstraps make one root. */
    public long putBundle(TrustBundle bundle, long expectedVersion) {
        return bundles.put(primaryDc, CURRENT, bundle, expectedVersion, null);
    }

    public Optional<Versioned<SignerRecord>> signer(String dc, boolean consistent) {
        return signers.get(dc, CURRENT, consistent);
    }

    public long putSigner(SignerRecord signer, long expectedVersion) {
        return signers.put(localDc, CURRENT, signer, expectedVersion, null);
    }

    public Optional<Versioned<CaConfig>> caConfig(String dc, boolean consistent) {
        return configs.get(dc, CURRENT, consistent);
    }

    public long putCaConfig(CaConfig config, long expectedVersion) {
        return configs.put(localDc, CURRENT, config, expectedVersion, null);
    }

    public Optional<Versioned<Membership>> membership(boolean consistent) {
        return memberships.get(primaryDc, CURRENT, consistent);
    }

    public long putMembership(Membership membership, long expectedVersion) {
        return memberships.put(primaryDc, CURRENT, membership, expectedVersion, null);
    }

    public Optional<Versioned<IntermediateCsrRequest>> csrRequest(String dc, boolean consistent) {
        return requests.get(dc, CURRENT, consistent);
    }

    public long putCsrRequest(IntermediateCsrRequest request, long expectedVersion) {
        return requests.put(localDc, CURRENT, request, expectedVersion, null);
    }

    public Optional<Versioned<CsrResult>> csrResult(String dc, boolean consistent) {
        return results.get(primaryDc, dc, consistent);
    }

    public long putCsrResult(CsrResult result, long expectedVersion) {
        return results.put(primaryDc, result.datacenter(), result, expectedVersion, null);
    }

    public Optional<Versioned<RotationRequest>> rotation(boolean consistent) {
        return rotations.get(primaryDc, CURRENT, consistent);
    }

    public long putRotation(RotationRequest request, long expectedVersion) {
        return rotations.put(primaryDc, CURRENT, request, expectedVersion, null);
    }
}
