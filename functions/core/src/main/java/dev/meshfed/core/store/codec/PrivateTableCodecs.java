package dev.meshfed.core.store.codec;

import dev.meshfed.core.ca.EnrolmentKey;
import dev.meshfed.core.custody.SealedData;
import dev.meshfed.core.custody.WrappedKey;
import dev.meshfed.core.forwarding.IdempotencyRecord;
import dev.meshfed.core.intentions.ReplicationStatus;
import dev.meshfed.core.leaf.LeafRecord;
import dev.meshfed.core.leaf.ManagedLeaf;
import dev.meshfed.core.ratelimit.CsrLease;
import dev.meshfed.core.ratelimit.TokenBucket;
import dev.meshfed.core.rotation.ReissueProgress;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.Fields;
import dev.meshfed.core.store.ItemCodec;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.stream.QuarantinedRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** Item codecs of the private table (regional). Private keys appear here only wrapped by key custody. */
public final class PrivateTableCodecs {
    private PrivateTableCodecs() {
    }

    static Map<String, Attr> wrapped(WrappedKey k) {
        return Fields.body().s("scheme", k.scheme()).s("keyAlgorithm", k.keyAlgorithm())
                .b("encryptedDataKey", k.encryptedDataKey()).b("ciphertext", k.ciphertext()).build();
    }

    static WrappedKey wrapped(Fields f) {
        return new WrappedKey(f.s("scheme"), f.s("keyAlgorithm"), f.b("encryptedDataKey"), f.b("ciphertext"));
    }

    /** {@code <dc>#signer-key#<keyId>}: a signer's (or the root's) wrapped private key. */
    public static final ItemCodec<WrappedKey> WRAPPED_KEY = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(WrappedKey k) {
            return wrapped(k);
        }

        @Override
        public WrappedKey decode(ItemKey key, Map<String, Attr> body) {
            return wrapped(Fields.of(key, body));
        }
    };

    /** {@code <dc>#enrolment-key#current}. */
    public static final ItemCodec<EnrolmentKey> ENROLMENT_KEY = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(EnrolmentKey k) {
            return Fields.body().s("datacenter", k.datacenter()).s("keyId", k.keyId()).map("privateKey", wrapped(k.privateKey()))
                    .s("publicKey", k.publicKeyPem()).build();
        }

        @Override
        public EnrolmentKey decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            return new EnrolmentKey(f.s("datacenter"), f.s("keyId"), wrapped(f.nested(f.map("privateKey"))), f.s("publicKey"));
        }
    };

    /** {@code <dc>#leaf.<shard>#<serial>}: inventory, with a TTL after the leaf's NotAfter. */
    public static final ItemCodec<LeafRecord> LEAF = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(LeafRecord r) {
            return Fields.body().s("serial", r.serial()).s("spiffeId", r.spiffeId()).s("signingKeyId", r.signingKeyId())
                    .instant("notBefore", r.notBefore()).instant("notAfter", r.notAfter()).s("managedBy", r.managedBy())
                    .build();
        }

        @Override
        public LeafRecord decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            return new LeafRecord(f.s("serial"), f.s("spiffeId"), f.s("signingKeyId"), f.instant("notBefore"),
                    f.instant("notAfter"), f.sOrNull("managedBy"));
        }
    };

    /** {@code <dc>#managed-leaf#<service>/<accessor>}. */
    public static final ItemCodec<ManagedLeaf> MANAGED_LEAF = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(ManagedLeaf m) {
            return Fields.body().s("service", m.service()).s("accessorId", m.accessorId()).s("serial", m.serial())
                    .s("certPem", m.certPem()).map("key", wrapped(m.key())).s("signingKeyId", m.signingKeyId())
                    .instant("notAfter", m.notAfter()).instant("rotateAfter", m.rotateAfter())
                    .instant("reissueAt", m.reissueAt()).instant("lastUsedAt", m.lastUsedAt()).build();
        }

        @Override
        public ManagedLeaf decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            Pems.many(f, f.s("certPem"), "certPem");
            return new ManagedLeaf(f.s("service"), f.s("accessorId"), f.s("serial"), f.s("certPem"),
                    wrapped(f.nested(f.map("key"))), f.s("signingKeyId"), f.instant("notAfter"), f.instant("rotateAfter"),
                    f.instantOrNull("reissueAt"), f.instant("lastUsedAt"));
        }
    };

    /** {@code <dc>#index#current}: the DC's change index. */
    public static final ItemCodec<Long> CHANGE_INDEX = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(Long index) {
            return Fields.body().n("index", index).build();
        }

        @Override
        public Long decode(ItemKey key, Map<String, Attr> body) {
            long v = Fields.of(key, body).n("index");
            if (v < 0) {
                throw Fields.of(key, body).error("index must not be negative");
            }
            return v;
        }
    };

    /** {@code <dc>#csr-bucket#<shard>}: one shard of the CSR token bucket, tokens as an exact decimal. */
    public static final ItemCodec<TokenBucket> BUCKET = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(TokenBucket b) {
            return Fields.body().decimal("tokens", b.tokens()).instant("refilledAt", b.refilledAt()).build();
        }

        @Override
        public TokenBucket decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            BigDecimal tokens = f.decimal("tokens");
            if (tokens.signum() < 0) {
                throw f.error("tokens must not be negative");
            }
            return new TokenBucket(tokens, f.instant("refilledAt"));
        }
    };

    /** {@code <dc>#csr-lease#<slot>}: one slot of the CSR concurrency limit. */
    public static final ItemCodec<CsrLease> LEASE = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(CsrLease l) {
            return Fields.body().instant("acquiredAt", l.acquiredAt()).instant("expiresAt", l.expiresAt())
                    .instant("releasedAt", l.releasedAt()).build();
        }

        @Override
        public CsrLease decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            Instant acquired = f.instant("acquiredAt");
            Instant expires = f.instant("expiresAt");
            if (expires.isBefore(acquired)) {
                throw f.error("expiresAt must not be before acquiredAt");
            }
            return new CsrLease(acquired, expires, f.instantOrNull("releasedAt"));
        }
    };

    /** {@code <dc>#replication-status#intentions}: what {@code replicate-intentions} reports about itself. */
    public static final ItemCodec<ReplicationStatus> REPLICATION_STATUS = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(ReplicationStatus r) {
            return Fields.body().n("appliedVersion", r.appliedVersion()).instant("lastAppliedAt", r.lastAppliedAt())
                    .n("lagMillis", r.lagMillis()).n("authorityViolations", r.authorityViolations())
                    .s("lastError", r.lastError()).instant("lastErrorAt", r.lastErrorAt())
                    .instant("lastReconcileAt", r.lastReconcileAt()).n("repairs", r.repairs()).build();
        }

        @Override
        public ReplicationStatus decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            try {
                return new ReplicationStatus(f.n("appliedVersion"), f.instantOrNull("lastAppliedAt"), f.n("lagMillis"),
                        f.n("authorityViolations"), f.sOrNull("lastError"), f.instantOrNull("lastErrorAt"),
                        f.instantOrNull("lastReconcileAt"), f.n("repairs"));
            } catch (IllegalArgumentException e) {
                throw f.error(e.getMessage());
            }
        }
    };

    /** {@code <dc>#reissue-progress#current}: {@code rotate-leaves}' re-issue progress ({@link ReissueProgress}). */
    public static final ItemCodec<ReissueProgress> REISSUE_PROGRESS = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(ReissueProgress p) {
            return Fields.body().s("signingKeyId", p.signingKeyId()).n("total", p.total()).n("reissued", p.reissued())
                    .instant("lastSlot", p.lastSlot()).build();
        }

        @Override
        public ReissueProgress decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            try {
                return new ReissueProgress(f.sOrNull("signingKeyId"), f.n("total"), f.n("reissued"),
                        f.instantOrNull("lastSlot"));
            } catch (IllegalArgumentException e) {
                throw f.error(e.getMessage());
            }
        }
    };

    /** {@code <dc>#quarantine#<eventId>}. */
    public static final ItemCodec<QuarantinedRecord> QUARANTINE = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(QuarantinedRecord q) {
            return Fields.body().s("table", q.table()).s("eventId", q.eventId()).s("sequenceNumber", q.sequenceNumber())
                    .s("itemKey", q.itemKey()).s("reason", q.reason()).instant("quarantinedAt", q.quarantinedAt()).build();
        }

        @Override
        public QuarantinedRecord decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            return new QuarantinedRecord(f.s("table"), f.s("eventId"), f.sOrNull("sequenceNumber"), f.sOrNull("itemKey"),
                    f.s("reason"), f.instant("quarantinedAt"));
        }
    };

    /**
     * {@code <primary>#idempotency#<key>}, with a TTL: a claim (PENDING) or an outcome (DONE) whose
     * body is sealed by key custody, never plain text.
     */
    public static final ItemCodec<IdempotencyRecord> IDEMPOTENCY = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(IdempotencyRecord r) {
            Fields.Builder b = Fields.body().s("key", r.key()).s("state", r.state().name()).s("fingerprint", r.fingerprint())
                    .instant("createdAt", r.createdAt()).instant("claimedAt", r.claimedAt());
            if (r.state() == IdempotencyRecord.State.DONE) {
                b.n("status", r.status()).s("contentType", r.contentType()).map("body", sealed(r.body()));
            }
            return b.build();
        }

        @Override
        public IdempotencyRecord decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            IdempotencyRecord.State state;
            try {
                state = IdempotencyRecord.State.valueOf(f.s("state"));
            } catch (IllegalArgumentException e) {
                throw f.error("state must be PENDING or DONE");
            }
            try {
                if (state == IdempotencyRecord.State.PENDING) {
                    return new IdempotencyRecord(f.s("key"), state, f.s("fingerprint"), 0, null, null,
                            f.instant("createdAt"), f.instant("claimedAt"));
                }
                long status = f.n("status");
                if (status < 100 || status > 599) {
                    throw f.error("status must be an HTTP status");
                }
                return new IdempotencyRecord(f.s("key"), state, f.s("fingerprint"), (int) status,
                        f.sOrNull("contentType"), sealed(f.nested(f.map("body"))), f.instant("createdAt"),
                        f.instant("claimedAt"));
            } catch (IllegalArgumentException e) {
                throw f.error(e.getMessage());
            }
        }
    };

    static Map<String, Attr> sealed(SealedData d) {
        return Fields.body().s("scheme", d.scheme()).b("encryptedDataKey", d.encryptedDataKey())
                .b("ciphertext", d.ciphertext()).build();
    }

    static SealedData sealed(Fields f) {
        return new SealedData(f.s("scheme"), f.b("encryptedDataKey"), f.b("ciphertext"));
    }
}
