package dev.meshfed.core.store.codec;

import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.SignerState;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.ca.CsrResult;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.config.CaConfigDecoder;
import dev.meshfed.core.config.CaConfigEncoder;
import dev.meshfed.core.config.SuppliedRoot;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.identity.ClusterId;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.Fields;
import dev.meshfed.core.store.ItemCodec;
import dev.meshfed.core.store.ItemKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Item codecs of the CA table (global): public material only, never a private key. */
public final class CaTableCodecs {
    private CaTableCodecs() {
    }

    /** {@code <primary>#bundle#current}. */
    public static final ItemCodec<TrustBundle> BUNDLE = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(TrustBundle b) {
            return Fields.body().s("clusterId", b.clusterId().value()).maps("roots", b.roots(), r -> Fields.body()
                    .s("cert", Certificates.toPem(r.certificate())).s("keyType", r.keySpec().type())
                    .n("keyBits", r.keySpec().bits()).bool("active", r.active()).instant("rotatedOutAt", r.rotatedOutAt())
                    .s("crossSigned", r.crossSigned() == null ? null : Certificates.toPem(r.crossSigned())).build())
                    .build();
        }

        @Override
        public TrustBundle decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            List<TrustedRoot> roots = new ArrayList<>();
            for (Map<String, Attr> m : f.maps("roots")) {
                Fields r = f.nested(m);
                KeySpec spec;
                try {
                    spec = KeySpec.forCa(r.s("keyType"), (int) r.n("keyBits"));
                } catch (InvalidInput e) {
                    throw f.error("root key type is not a CA key type");
                }
                roots.add(new TrustedRoot(Pems.one(r, "cert"), spec, r.bool("active"), r.instantOrNull("rotatedOutAt"),
                        Pems.oneOrNull(r, "crossSigned")));
            }
            try {
                return new TrustBundle(new ClusterId(f.s("clusterId")), roots);
            } catch (RuntimeException e) {
                throw f.error("not a valid trust bundle (cluster ID, or not exactly one active root)");
            }
        }
    };

    /** {@code <dc>#signer#current}. */
    public static final ItemCodec<SignerRecord> SIGNER = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(SignerRecord s) {
            Fields.Builder b = Fields.body().s("datacenter", s.datacenter()).s("state", s.state().name())
                    .s("pendingKeyId", s.pendingKeyId());
            if (s.chain() != null) {
                Map<String, Attr> chains = new LinkedHashMap<>();
                s.chain().chains().forEach((root, certs) -> chains.put(root, Attr.s(Pems.pem(certs))));
                Map<String, Attr> stopped = new LinkedHashMap<>();
                s.chain().stoppedSigningUnder().forEach((root, at) -> stopped.put(root, Attr.s(at.toString())));
                b.s("signingRootId", s.chain().signingRootId()).map("chains", chains).map("stoppedSigningUnder", stopped);
            }
            return b.build();
        }

        @Override
        public SignerRecord decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            SignerState state;
            try {
                state = SignerState.valueOf(f.s("state"));
            } catch (IllegalArgumentException e) {
                throw f.error("unknown signer state");
            }
            DcChain chain = null;
            String root = f.sOrNull("signingRootId");
            if (root != null) {
                Map<String, List<X509Certificate>> chains = new LinkedHashMap<>();
                f.map("chains").forEach((r, pem) -> {
                    if (!(pem instanceof Attr.S s)) {
                        throw f.error("chains must map root IDs to PEM text");
                    }
                    chains.put(r, Pems.many(f, s.value(), "chains"));
                });
                Map<String, Instant> stopped = new LinkedHashMap<>();
                Fields st = f.nested(f.map("stoppedSigningUnder"));
                f.map("stoppedSigningUnder").keySet().forEach(r -> stopped.put(r, st.instant(r)));
                try {
                    chain = new DcChain(new Datacenter(f.s("datacenter")), root, chains, stopped);
                } catch (RuntimeException e) {
                    throw f.error("signer chain has no certificate under its signing root");
                }
            }
            return new SignerRecord(f.s("datacenter"), state, chain, f.sOrNull("pendingKeyId"));
        }
    };

    /** {@code <dc>#ca-config#current}: the configuration without any private key; a supplied root as its PEM and hash. */
    public static final ItemCodec<CaConfig> CA_CONFIG = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(CaConfig c) {
            Map<String, Attr> config = new LinkedHashMap<>();
            CaConfigEncoder.encodeConfig(c).forEach((k, v) -> config.put(k, toAttr(v)));
            Fields.Builder b = Fields.body().map("config", config);
            c.suppliedRoot().ifPresent(r -> b.s("suppliedRootPem", r.rootCertPem()).s("suppliedRootSha256", r.sha256()));
            return b.build();
        }

        @Override
        public CaConfig decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            Map<String, Object> plain = new LinkedHashMap<>();
            f.map("config").forEach((k, v) -> plain.put(k, fromAttr(f, v)));
            try {
                CaConfig c = CaConfigDecoder.decodeConfig(plain).config();
                String pem = f.sOrNull("suppliedRootPem");
                return pem == null ? c : c.toBuilder().suppliedRoot(new SuppliedRoot(pem, f.s("suppliedRootSha256"))).build();
            } catch (InvalidInput e) {
                throw f.error("stored CA configuration does not decode");
            }
        }
    };

    /** {@code <primary>#membership#current}. */
    public static final ItemCodec<Membership> MEMBERSHIP = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(Membership m) {
            return Fields.body().maps("members", m.members(), x -> Fields.body().s("datacenter", x.datacenter())
                    .s("enrolmentKey", x.enrolmentKeyPem()).build()).build();
        }

        @Override
        public Membership decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            List<Membership.Member> members = new ArrayList<>();
            for (Map<String, Attr> m : f.maps("members")) {
                Fields x = f.nested(m);
                members.add(new Membership.Member(x.s("datacenter"), x.s("enrolmentKey")));
            }
            return new Membership(members);
        }
    };

    /** {@code <secondary>#csr-request#current}. */
    public static final ItemCodec<IntermediateCsrRequest> CSR_REQUEST = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(IntermediateCsrRequest r) {
            return Fields.body().s("datacenter", r.datacenter().name()).s("csr", r.csrPem()).s("reason", r.reason().name())
                    .s("expectedRootId", r.expectedRootId()).instant("requestedAt", r.requestedAt())
                    .b("signature", r.enrolmentSignature()).s("requestId", r.requestId()).build();
        }

        @Override
        public IntermediateCsrRequest decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            try {
                return new IntermediateCsrRequest(new Datacenter(f.s("datacenter")), f.s("csr"),
                        IntermediateCsrRequest.Reason.valueOf(f.s("reason")), f.s("expectedRootId"),
                        f.instant("requestedAt"), f.b("signature"), f.sOrNull("requestId"));
            } catch (IllegalArgumentException | InvalidInput e) {
                throw f.error("not a valid intermediate CSR request");
            }
        }
    };

    /** {@code <primary>#csr-result#<secondary>}. */
    public static final ItemCodec<CsrResult> CSR_RESULT = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(CsrResult r) {
            return Fields.body().s("datacenter", r.datacenter()).instant("answersRequestedAt", r.answersRequestedAt())
                    .s("certificate", r.certificatePem()).s("rootId", r.rootId()).s("refusal", r.refusal())
                    .n("membershipVersion", r.membershipVersion()).s("answersRequestId", r.answersRequestId()).build();
        }

        @Override
        public CsrResult decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            CsrResult r = new CsrResult(f.s("datacenter"), f.instant("answersRequestedAt"), f.sOrNull("certificate"),
                    f.sOrNull("rootId"), f.sOrNull("refusal"),
                    body.containsKey("membershipVersion") ? f.n("membershipVersion") : 0, f.sOrNull("answersRequestId"));
            if ((r.certificatePem() == null) == (r.refusal() == null)) {
                throw f.error("a CSR result holds either a certificate or a refusal");
            }
            if (r.certificatePem() != null) {
                Pems.one(f, "certificate");
            }
            return r;
        }
    };

    /** {@code <primary>#rotation#current}. */
    public static final ItemCodec<RotationRequest> ROTATION = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(RotationRequest r) {
            return Fields.body().s("id", r.id()).s("trigger", r.trigger().name()).s("state", r.state().name())
                    .instant("requestedAt", r.requestedAt()).s("fromRootId", r.fromRootId())
                    .s("privateKeyType", r.privateKeyType())
                    .n("privateKeyBits", r.privateKeyBits()).s("suppliedRootSha256", r.suppliedRootSha256())
                    .bool("forceWithoutCrossSigning", r.forceWithoutCrossSigning()).instant("doneAt", r.doneAt())
                    .build();
        }

        @Override
        public RotationRequest decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            try {
                return new RotationRequest(f.s("id"), RotationRequest.Trigger.valueOf(f.s("trigger")),
                        RotationRequest.State.valueOf(f.s("state")), f.instant("requestedAt"), f.s("fromRootId"),
                        f.s("privateKeyType"), (int) f.n("privateKeyBits"), f.sOrNull("suppliedRootSha256"),
                        f.bool("forceWithoutCrossSigning"), f.instantOrNull("doneAt"));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw f.error("unknown rotation trigger or state, or a done time that does not match the state");
            }
        }
    };

    static Attr toAttr(Object v) {
        if (v instanceof String s) {
            return Attr.s(s);
        }
        if (v instanceof Integer || v instanceof Long) {
            return Attr.n(((Number) v).longValue());
        }
        if (v instanceof Number n) {
            return new Attr.N(n.toString());
        }
        if (v instanceof Boolean b) {
            return Attr.bool(b);
        }
        if (v instanceof List<?> l) {
            return Attr.l(l.stream().map(CaTableCodecs::toAttr).toList());
        }
        throw new IllegalArgumentException("unsupported configuration value type");
    }

    static Object fromAttr(Fields f, Attr a) {
        if (a instanceof Attr.S s) {
            return s.value();
        }
        if (a instanceof Attr.N n) {
            return n.value().matches("-?[0-9]+") ? (Object) Long.parseLong(n.value()) : (Object) Double.parseDouble(n.value());
        }
        if (a instanceof Attr.Bool b) {
            return b.value();
        }
        if (a instanceof Attr.L l) {
            return l.values().stream().map(x -> fromAttr(f, x)).toList();
        }
        throw f.error("unsupported configuration value type");
    }
}
