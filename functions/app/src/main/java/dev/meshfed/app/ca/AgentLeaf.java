package dev.meshfed.app.ca;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.meshfed.app.auth.Accessor;
import dev.meshfed.app.auth.Token;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.app.http.ConsulHeaders;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Json;
import dev.meshfed.app.http.Tokens;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.RateLimited;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.identity.SpiffeId;
import dev.meshfed.core.leaf.LeafInventory;
import dev.meshfed.core.leaf.ManagedLeaf;
import dev.meshfed.core.leaf.ManagedLeafPolicy;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.CsrBuilder;
import dev.meshfed.core.pki.KeyPairFactory;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.SignedLeaf;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.pki.Sec1Keys;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/agent/connect/ca/leaf/{service}}: a managed leaf, kept per (service, token
 * accessor) in the private table (api.md). In order: the service name (400), service:write
 * (403), the DC's signer (503); then the stored leaf is served again while
 * {@link ManagedLeafPolicy} says so (its key unwrapped through {@link KeyCustody}, purpose
 * {@link KeyPurpose#MANAGED_LEAF}, context (DC, the leaf key's ID)). Otherwise a new EC P-256 key
 * is made, a CSR for the service is signed through {@link SignCsr#signFor} (the sign-csr checks and
 * gates, rate limit included), the key is wrapped and the leaf written conditionally: version 0
 * when there was none, so of two concurrent first calls one writes and the other re-reads and
 * serves the winner's leaf. A replacement the rate limit refuses falls back to the stored leaf while
 * it is still valid, as Consul's agent keeps its cached leaf.
 *
 * <p>Blocking: {@code ?index=N} with N the leaf's {@code ModifyIndex} (the item's version) waits,
 * through {@link IndexPoller}, until another request replaces the leaf or the wait ends.
 *
 * <p>{@code lastUsedAt} is refreshed at most once per {@link #TOUCH_INTERVAL}, so a steady stream of
 * reuses does not rewrite the item (and move its index) on every call. The response never carries
 * any key but this leaf's own.
 */
public final class AgentLeaf {

    /** A reuse refreshes {@code lastUsedAt} when it is older than this. */
    public static final Duration TOUCH_INTERVAL = Duration.ofHours(1);
    /** Consul-compatible service names: a letter or digit, then letters, digits, {@code - _ .}. */
    static final Pattern SERVICE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$");
    /** The 400 for a bad service name (the name is echoed, cut to 64 characters). */
    public static final String INVALID_SERVICE = "Invalid service name: ";

    /** What the managed-leaf route needs beyond sign-csr's own parts. */
    public record Parts(KeyPairFactory keys, CsrBuilder csrs, KeyCustody custody, IndexPoller poller,
            Duration maxBlockingWait) {
        public Parts {
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(csrs, "csrs");
            Objects.requireNonNull(custody, "custody");
            Objects.requireNonNull(poller, "poller");
            BlockingQuery.checkMaxBlockingWait(maxBlockingWait);
        }
    }

    private final SignCsr sign;
    private final Parts parts;

    AgentLeaf(SignCsr sign, Parts parts) {
        this.sign = sign;
        this.parts = parts;
    }

    HttpResponse handle(HttpRequest request, String service) {
        if (service == null || !SERVICE_NAME.matcher(service).matches()) {
            String shown = service == null ? "" : service.length() > 64 ? service.substring(0, 64) + "..." : service;
            throw new InvalidInput(INVALID_SERVICE + shown);
        }
        BlockingQuery query = BlockingQuery.parse(request.query(), parts.maxBlockingWait());
        Token token = Tokens.extract(request);
        Accessor accessor = sign.authorizer().serviceWrite(token, service);
        sign.trustDomain(); // 503 before the primary's bootstrap
        String currentKeyId = sign.activeSigner().require().keyId(); // 503 before this DC has a signer
        if (query.blocking()) {
            // No leaf yet: answer at once (a new one is made) rather than wait on an index that can't move.
            parts.poller().await(query, () -> sign.privateStore().managedLeaf(service, accessor.accessorId())
                    .map(Versioned::version).orElse(-1L));
        }
        ManagedLeafResponse body = leaf(token, service, accessor.accessorId(), currentKeyId);
        return ConsulHeaders.withQueryMeta(HttpResponse.json(200, Json.write(body)), body.modifyIndex(), Duration.ZERO);
    }

    private ManagedLeafResponse leaf(Token token, String service, String accessorId, String currentKeyId) {
        Instant now = sign.clock().instant();
        Optional<Versioned<ManagedLeaf>> stored = sign.privateStore().managedLeaf(service, accessorId);
        if (stored.isPresent()) {
            ManagedLeaf leaf = stored.get().value();
            ManagedLeafPolicy.Decision decision = ManagedLeafPolicy.decide(leaf, now, currentKeyId);
            if (decision.reuse()) {
                return serve(touch(stored.get(), now));
            }
            boolean drop = decision.action() == ManagedLeafPolicy.Action.DROP;
            try {
                // Replaced in place (expected = the version read), so the item's index only grows
                // and a blocked client never sees it go back, also when an unused leaf is dropped.
                return issue(token, service, accessorId, stored, now);
            } catch (RateLimited limited) {
                if (drop) {
                    try {
                        sign.privateStore().deleteManagedLeaf(service, accessorId, stored.get().version());
                    } catch (Conflict raced) {
                        // another request replaced it meanwhile; nothing to drop
                    }
                } else if (decision.stillValid()) {
                    return serve(stored.get());
                }
                throw limited;
            }
        }
        return issue(token, service, accessorId, Optional.empty(), now);
    }

    private ManagedLeafResponse issue(Token token, String service, String accessorId,
            Optional<Versioned<ManagedLeaf>> replacing, Instant now) {
        return issue(csr -> sign.signFor(token, csr, now), service, accessorId, replacing, now, true);
    }

    /**
     * Re-issues {@code stored} for the CA ({@link ManagedLeafReissue}): a new key signed by the
     * current signer, written conditionally on the version read, so a blocked leaf query returns it.
     * Its {@code lastUsedAt} is kept: re-issue is not a use.
     *
     * @return whether this call replaced the leaf (false: a concurrent request replaced or dropped it first)
     */
    boolean reissue(Versioned<ManagedLeaf> stored, Instant now) {
        ManagedLeaf l = stored.value();
        try {
            issue(csr -> sign.signForReissue(csr, now), l.service(), l.accessorId(), Optional.of(stored), now, false);
            return true;
        } catch (Conflict raced) {
            return false;
        }
    }

    /**
     * @param forRequest true: a client's request (a lost race serves the winner's leaf, {@code lastUsedAt}
     *     is now); false: the CA's re-issue (a lost race throws {@link Conflict}, {@code lastUsedAt} is kept)
     */
    private ManagedLeafResponse issue(java.util.function.Function<String, SignCsr.Issued> signer, String service,
            String accessorId, Optional<Versioned<ManagedLeaf>> replacing, Instant now,
            boolean forRequest) {
        KeyPair pair = parts.keys().generate(KeySpec.EC_P256);
        String uri = new SpiffeId.Service(sign.trustDomain().value(), null, null, sign.datacenter().name(), service)
                .uri();
        SignCsr.Issued issued = signer.apply(parts.csrs().caRequest(pair, uri));
        SignedLeaf signed = issued.leaf();
        String leafKeyId = KeyIds.keyIdHex(pair.getPublic());
        var wrapped = parts.custody().wrap(pair.getPrivate(),
                new KeyContext(sign.datacenter().name(), leafKeyId, KeyPurpose.MANAGED_LEAF));
        Instant rotateAfter = LeafInventory.rotateAfter(signed, sign.random());
        Instant lastUsedAt = !forRequest && replacing.isPresent() ? replacing.get().value().lastUsedAt()
                : now;
        ManagedLeaf leaf = new ManagedLeaf(service, accessorId, signed.serialHex(), signed.certPem(), wrapped,
                issued.signingKeyId(), signed.notAfter(), rotateAfter, null, lastUsedAt);
        long expected = replacing.map(Versioned::version).orElse(0L);
        long version;
        try {
            version = sign.privateStore().putManagedLeaf(leaf, expected);
        } catch (Conflict lost) {
            // A concurrent request wrote first: serve its leaf; ours is never recorded nor returned.
            if (!forRequest) {
                throw lost; // re-issue: the other writer's leaf stands
            }
            return serve(reread(service, accessorId));
        }
        sign.privateStore().recordLeaf(LeafInventory.record(signed, issued.signingKeyId(), accessorId));
        return ManagedLeafResponse.of(leaf, signed.notBefore(), uriOf(service), version, Sec1Keys.ecPrivateKeyPem(pair));
    }

    private Versioned<ManagedLeaf> reread(String service, String accessorId) {
        return sign.privateStore().managedLeaf(service, accessorId)
                .orElseThrow(() -> new Conflict("managed leaf for " + service + " changed concurrently; retry"));
    }

    private Versioned<ManagedLeaf> touch(Versioned<ManagedLeaf> stored, Instant now) {
        ManagedLeaf l = stored.value();
        if (Duration.between(l.lastUsedAt(), now).compareTo(TOUCH_INTERVAL) < 0) {
            return stored;
        }
        ManagedLeaf touched = new ManagedLeaf(l.service(), l.accessorId(), l.serial(), l.certPem(), l.key(),
                l.signingKeyId(), l.notAfter(), l.rotateAfter(), l.reissueAt(), now);
        try {
            long v = sign.privateStore().putManagedLeaf(touched, stored.version());
            return new Versioned<>(stored.key(), touched, v, now, stored.expiresAt());
        } catch (Conflict raced) {
            return stored; // someone else touched or replaced it; serving the one read is still correct
        }
    }

    private ManagedLeafResponse serve(Versioned<ManagedLeaf> stored) {
        ManagedLeaf leaf = stored.value();
        X509Certificate cert = Certificates.fromPem(leaf.certPem()).get(0);
        PublicKey pub = cert.getPublicKey();
        PrivateKey key = parts.custody().unwrap(leaf.key(),
                new KeyContext(sign.datacenter().name(), KeyIds.keyIdHex(pub), KeyPurpose.MANAGED_LEAF));
        return ManagedLeafResponse.of(leaf, cert.getNotBefore().toInstant(), uriOf(leaf.service()), stored.version(),
                Sec1Keys.ecPrivateKeyPem(new KeyPair(pub, key)));
    }

    private String uriOf(String service) {
        return new SpiffeId.Service(sign.trustDomain().value(), null, null, sign.datacenter().name(), service).uri();
    }

    /** The sign response plus {@code PrivateKeyPEM}; both indexes are the managed leaf's version. */
    @JsonPropertyOrder({"SerialNumber", "CertPEM", "PrivateKeyPEM", "Service", "ServiceURI", "ValidAfter",
            "ValidBefore", "RotateAfter", "CreateIndex", "ModifyIndex"})
    public record ManagedLeafResponse(
            @JsonProperty("SerialNumber") String serialNumber,
            @JsonProperty("CertPEM") String certPem,
            @JsonProperty("PrivateKeyPEM") String privateKeyPem,
            @JsonProperty("Service") String service,
            @JsonProperty("ServiceURI") String serviceUri,
            @JsonProperty("ValidAfter") String validAfter,
            @JsonProperty("ValidBefore") String validBefore,
            @JsonProperty("RotateAfter") String rotateAfter,
            @JsonProperty("CreateIndex") long createIndex,
            @JsonProperty("ModifyIndex") long modifyIndex) {

        static ManagedLeafResponse of(ManagedLeaf leaf, Instant notBefore, String uri, long index, String keyPem) {
            return new ManagedLeafResponse(leaf.serial(), leaf.certPem(), keyPem, leaf.service(), uri,
                    RootsJson.rfc3339(notBefore), RootsJson.rfc3339(leaf.notAfter()),
                    RootsJson.rfc3339(leaf.rotateAfter()), index, index);
        }

        @Override
        public String toString() {
            return "ManagedLeafResponse[" + serialNumber + ", " + service + "]"; // never the key
        }
    }
}
