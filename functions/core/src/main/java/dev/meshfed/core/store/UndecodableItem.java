package dev.meshfed.core.store;

/**
 * An item or stream image that cannot be read: a poison record. Carries the item key so that
 * quarantine records and logs can name it; never the item's content.
 */
public final class UndecodableItem extends RuntimeException {
    private final String key;

    public UndecodableItem(String key, String reason) {
        super("undecodable item " + key + ": " + reason, null, false, false);
        this.key = key;
    }

    /** The item key as far as it could be read. */
    public String key() {
        return key;
    }
}
