package dev.meshfed.core.store;

import java.util.regex.Pattern;

/**
 * The key of every item in every table, {@code <ownerDC>#<kind>#<id>}: exactly one DC owns an
 * item, named by its prefix, and only that DC writes it. Physically the partition key is
 * {@code <ownerDC>#<kind>} and the sort key is {@code <id>}, so all items of a kind can be listed
 * with a consistent query, and IAM's {@code dynamodb:LeadingKeys} condition on {@code <ownerDC>#*}
 * confines each DC's roles to its own items.
 */
public record ItemKey(String owner, String kind, String id) {
    private static final Pattern OWNER = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9-]{0,31}(\\.[0-9a-f]{1,4})?");
    /** Longest id: well under DynamoDB's 1,024-byte sort key limit. */
    public static final int MAX_ID_BYTES = 512;

    public ItemKey {
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("invalid owner in item key: " + owner);
        }
        if (kind == null || !KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("invalid kind in item key: " + kind);
        }
        if (id == null || id.isEmpty() || id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            throw new IllegalArgumentException("invalid id in item key");
        }
    }

    /** The partition key value, {@code <ownerDC>#<kind>}. */
    public String partition() {
        return owner + "#" + kind;
    }

    /** The sort key value, {@code <id>}. */
    public String sort() {
        return id;
    }

    /** Rebuilds a key from its stored partition and sort values; null when they are malformed. */
    public static ItemKey fromStored(String partition, String sort) {
        if (partition == null || sort == null) {
            return null;
        }
        int hash = partition.indexOf('#');
        if (hash <= 0 || hash == partition.length() - 1) {
            return null;
        }
        try {
            return new ItemKey(partition.substring(0, hash), partition.substring(hash + 1), sort);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return owner + "#" + kind + "#" + id;
    }
}
