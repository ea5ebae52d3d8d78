package dev.meshfed.app.ca;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.meshfed.core.bundle.ChainAssembler;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.Certificates;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The body of {@code GET /v1/connect/ca/roots} (Consul's {@code IndexedCARoots}) and the pure
 * function that builds it from the bundle and this DC's chain.
 */
@JsonPropertyOrder({"ActiveRootID", "TrustDomain", "Roots"})
public record RootsJson(
        @JsonProperty("ActiveRootID") String activeRootId,
        @JsonProperty("TrustDomain") String trustDomain,
        @JsonProperty("Roots") List<Root> roots) {

    /** What Consul answers before its CA is initialized: no roots and no trust domain yet. */
    public static final RootsJson UNINITIALIZED = new RootsJson("", "", List.of());

    public RootsJson {
        roots = List.copyOf(roots);
    }

    /** One {@code CARoot}. */
    @JsonPropertyOrder({"ID", "Name", "SerialNumber", "SigningKeyID", "ExternalTrustDomain", "NotBefore", "NotAfter",
            "RootCert", "IntermediateCerts", "Active", "PrivateKeyType", "PrivateKeyBits", "CreateIndex", "ModifyIndex"})
    public record Root(
            @JsonProperty("ID") String id,
            @JsonProperty("Name") String name,
            @JsonProperty("SerialNumber") BigInteger serialNumber,
            @JsonProperty("SigningKeyID") String signingKeyId,
            @JsonProperty("ExternalTrustDomain") String externalTrustDomain,
            @JsonProperty("NotBefore") String notBefore,
            @JsonProperty("NotAfter") String notAfter,
            @JsonProperty("RootCert") String rootCert,
            @JsonProperty("IntermediateCerts") List<String> intermediateCerts,
            @JsonProperty("Active") boolean active,
            @JsonProperty("PrivateKeyType") String privateKeyType,
            @JsonProperty("PrivateKeyBits") int privateKeyBits,
            @JsonProperty("CreateIndex") long createIndex,
            @JsonProperty("ModifyIndex") long modifyIndex) {
        public Root {
            intermediateCerts = List.copyOf(intermediateCerts);
        }
    }

    /**
     * The response for {@code bundle} (empty before bootstrap) and this DC's chain (null before the
     * DC has a signer), at {@code now}: every root still trusted, each with this DC's unexpired
     * chain under it.
     *
     * <ul>
     *   <li>{@code SigningKeyID}: under the root the DC signs with, the key ID of its active signer;
     *       under another root, the key ID of the last certificate of the DC's chain under it, or
     *       the root's own key ID when the DC has no chain under it (as before a join).</li>
     *   <li>{@code CreateIndex} and {@code ModifyIndex}: the bundle item's version; meshfed keeps no
     *       per-root index (meshfed).</li>
     *   <li>{@code IntermediateCerts}: {@code []} when empty, never null (meshfed: Consul writes null).</li>
     * </ul>
     */
    public static RootsJson of(TrustBundle bundle, long bundleVersion, DcChain chain, Instant now) {
        if (bundle == null) {
            return UNINITIALIZED;
        }
        List<Root> roots = ChainAssembler.roots(bundle, chain, now).stream()
                .map(r -> root(r, bundle, chain, bundleVersion))
                .toList();
        return new RootsJson(bundle.activeRootId(), bundle.trustDomain().value(), roots);
    }

    private static Root root(ChainAssembler.RootWithChain rc, TrustBundle bundle, DcChain chain, long version) {
        TrustedRoot r = rc.root();
        List<X509Certificate> under = rc.intermediates();
        String signingKeyId;
        if (chain != null && chain.signingRootId().equals(r.id())) {
            signingKeyId = chain.signingKeyId();
        } else if (!under.isEmpty()) {
            signingKeyId = KeyIds.keyIdHex(under.get(under.size() - 1).getPublicKey());
        } else {
            signingKeyId = KeyIds.keyIdHex(r.certificate().getPublicKey());
        }
        return new Root(r.id(), TrustedRoot.NAME, r.certificate().getSerialNumber(), signingKeyId,
                bundle.clusterId().value(), rfc3339(r.notBefore()), rfc3339(r.notAfter()),
                Certificates.toPem(r.certificate()), under.stream().map(Certificates::toPem).toList(), r.active(),
                r.keySpec().type(), r.keySpec().bits(), version, version);
    }

    /** {@code application/pem-certificate-chain}: each root's certificate, then its intermediates. */
    public String pemChain() {
        StringBuilder out = new StringBuilder();
        for (Root r : roots) {
            out.append(r.rootCert());
            r.intermediateCerts().forEach(out::append);
        }
        return out.toString();
    }

    /** RFC 3339 in UTC with whole seconds, as Go prints a certificate time. */
    static String rfc3339(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
