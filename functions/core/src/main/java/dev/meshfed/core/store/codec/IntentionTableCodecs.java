package dev.meshfed.core.store.codec;

import dev.meshfed.core.acl.AclLink;
import dev.meshfed.core.acl.AclPolicy;
import dev.meshfed.core.acl.AclToken;
import dev.meshfed.core.intentions.Intention;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.Fields;
import dev.meshfed.core.store.ItemCodec;
import dev.meshfed.core.store.ItemKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Item codecs of the intentions table (global, primary-owned). The intention codec also serves
 * each DC's intention view in the private table, so a view entry and a replicated item are read
 * by the same code.
 */
public final class IntentionTableCodecs {
    private IntentionTableCodecs() {
    }

    /** {@code <primary>#intention#<id>}: an intention or its tombstone. */
    public static final ItemCodec<IntentionItem> INTENTION = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(IntentionItem item) {
            Fields.Builder b = Fields.body().s("id", item.id()).bool("deleted", item.deleted())
                    .instant("deletedAt", item.deletedAt());
            Intention i = item.intention();
            if (i != null) {
                Map<String, Attr> meta = new LinkedHashMap<>();
                i.meta().forEach((k, v) -> meta.put(k, Attr.s(v)));
                b.s("sourceNs", i.sourceNs()).s("sourceName", i.sourceName()).s("destinationNs", i.destinationNs())
                        .s("destinationName", i.destinationName()).s("sourceDatacenter", i.sourceDatacenter())
                        .s("destinationDatacenter", i.destinationDatacenter()).s("sourceType", i.sourceType())
                        .s("action", i.action()).s("permissions", i.permissions()).s("description", i.description())
                        .map("meta", meta).n("precedence", i.precedence()).instant("intentionCreatedAt", i.createdAt())
                        .instant("intentionUpdatedAt", i.updatedAt());
            }
            return b.build();
        }

        @Override
        public IntentionItem decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            String id = f.s("id");
            if (f.bool("deleted")) {
                return IntentionItem.tombstone(id, f.instant("deletedAt"));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            Fields m = f.nested(f.map("meta"));
            f.map("meta").keySet().forEach(k -> meta.put(k, m.s(k)));
            return IntentionItem.live(new Intention(id, f.s("sourceNs"), f.s("sourceName"), f.s("destinationNs"),
                    f.s("destinationName"), f.sOrNull("sourceDatacenter"), f.sOrNull("destinationDatacenter"),
                    f.s("sourceType"), f.sOrNull("action"), f.sOrNull("permissions"), f.sOrNull("description"), meta,
                    (int) f.n("precedence"), f.instant("intentionCreatedAt"), f.instant("intentionUpdatedAt")));
        }
    };

    /** {@code <primary>#acl-token#<accessor>}: the secret's SHA-256 only. */
    public static final ItemCodec<AclToken> TOKEN = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(AclToken t) {
            return Fields.body().s("accessorId", t.accessorId()).s("secretSha256", t.secretSha256())
                    .s("description", t.description()).strings("policyIds", t.policyIds())
                    .maps("serviceIdentities", t.serviceIdentities(), si -> Fields.body().s("serviceName", si.serviceName())
                            .strings("datacenters", si.datacenters()).build())
                    .bool("local", t.local()).instant("createdAt", t.createdAt()).n("createIndex", t.createIndex())
                    .n("modifyIndex", t.modifyIndex()).build();
        }

        @Override
        public AclToken decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            String hash = f.s("secretSha256");
            if (!hash.matches("[0-9a-f]{64}")) {
                throw f.error("secretSha256 must be 64 lower-case hex digits");
            }
            List<AclToken.ServiceIdentity> ids = new ArrayList<>();
            for (Map<String, Attr> m : f.maps("serviceIdentities")) {
                Fields x = f.nested(m);
                ids.add(new AclToken.ServiceIdentity(x.s("serviceName"), x.strings("datacenters")));
            }
            return new AclToken(f.s("accessorId"), hash, f.sOrNull("description"), f.strings("policyIds"), ids,
                    f.boolOr("local", false), f.instant("createdAt"), f.n("createIndex"), f.n("modifyIndex"));
        }
    };

    /** {@code <primary>#acl-policy#<id>}. */
    public static final ItemCodec<AclPolicy> POLICY = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(AclPolicy p) {
            return Fields.body().s("id", p.id()).s("name", p.name()).s("description", p.description())
                    .s("rules", p.rules()).strings("datacenters", p.datacenters()).instant("createdAt", p.createdAt())
                    .instant("modifiedAt", p.modifiedAt()).n("createIndex", p.createIndex())
                    .n("modifyIndex", p.modifyIndex()).build();
        }

        @Override
        public AclPolicy decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            return new AclPolicy(f.s("id"), f.s("name"), f.sOrNull("description"), f.s("rules"), f.strings("datacenters"),
                    f.instant("createdAt"), f.instant("modifiedAt"), f.n("createIndex"), f.n("modifyIndex"));
        }
    };

    /**
     * {@code <primary>#acl-secret#<sha256>}, {@code <primary>#acl-policy-name#<name>},
     * {@code <primary>#acl-bootstrap#done} and {@code <primary>#intention-key#<canonical key>}.
     */
    public static final ItemCodec<AclLink> LINK = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(AclLink link) {
            return Fields.body().s("target", link.target()).instant("createdAt", link.createdAt()).build();
        }

        @Override
        public AclLink decode(ItemKey key, Map<String, Attr> body) {
            Fields f = Fields.of(key, body);
            return new AclLink(f.s("target"), f.instant("createdAt"));
        }
    };
}
