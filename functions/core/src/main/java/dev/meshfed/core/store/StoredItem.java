package dev.meshfed.core.store;

import java.time.Instant;
import java.util.Map;

/**
 * One stored item: its key, the bookkeeping every item carries and its body.
 *
 * @param version only grows; every write is conditional on the version it replaces
 * @param updatedAt the writer's clock when written
 * @param expiresAt when DynamoDB's TTL may delete the item (epoch seconds in the {@code ttl}
 *     attribute), or null; readers treat an expired item as absent, since TTL deletion is lazy
 * @param body the domain attributes (never the reserved names in {@link #RESERVED})
 */
public record StoredItem(ItemKey key, long version, Instant updatedAt, Instant expiresAt, Map<String, Attr> body) {

    /** Attribute names the stores own. */
    public static final java.util.Set<String> RESERVED = java.util.Set.of("pk", "sk", "version", "updatedAt", "ttl");

    public StoredItem {
        if (version <= 0) {
            throw new IllegalArgumentException("version must be positive");
        }
        body = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(body));
        for (String name : body.keySet()) {
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException("reserved attribute in item body: " + name);
            }
        }
    }

    /** True when a TTL is set and has passed at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Every attribute as stored, bookkeeping included: what a substrate writes and what a stream image holds. */
    public Map<String, Attr> toAttributes() {
        java.util.Map<String, Attr> all = new java.util.LinkedHashMap<>(body.size() + 5);
        all.put("pk", Attr.s(key.partition()));
        all.put("sk", Attr.s(key.sort()));
        all.put("version", Attr.n(version));
        all.put("updatedAt", Attr.s(updatedAt.toString()));
        if (expiresAt != null) {
            all.put("ttl", Attr.n(expiresAt.getEpochSecond()));
        }
        all.putAll(body);
        return all;
    }

    /**
     * Reads a stored attribute map back.
     *
     * @throws UndecodableItem naming the key (when readable) and what is wrong
     */
    public static StoredItem fromAttributes(Map<String, Attr> attributes) {
        String pk = attributes.get("pk") instanceof Attr.S s ? s.value() : null;
        String sk = attributes.get("sk") instanceof Attr.S s ? s.value() : null;
        ItemKey key = ItemKey.fromStored(pk, sk);
        String where = key != null ? key.toString() : dev.meshfed.core.error.UntrustedText.bounded(pk + "/" + sk);
        if (key == null) {
            throw new UndecodableItem(where, "missing or malformed pk/sk");
        }
        long version;
        Instant updatedAt;
        Instant expiresAt = null;
        try {
            version = ((Attr.N) attributes.get("version")).asLong();
            updatedAt = Instant.parse(((Attr.S) attributes.get("updatedAt")).value());
            if (attributes.get("ttl") instanceof Attr.N ttl) {
                expiresAt = Instant.ofEpochSecond(ttl.asLong());
            }
        } catch (RuntimeException e) {
            throw new UndecodableItem(where, "missing or malformed version/updatedAt/ttl");
        }
        if (version <= 0) {
            throw new UndecodableItem(where, "version must be positive");
        }
        java.util.Map<String, Attr> body = new java.util.LinkedHashMap<>(attributes);
        RESERVED.forEach(body::remove);
        return new StoredItem(key, version, updatedAt, expiresAt, body);
    }
}
