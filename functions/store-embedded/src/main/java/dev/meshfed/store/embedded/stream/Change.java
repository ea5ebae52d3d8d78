package dev.meshfed.store.embedded.stream;

import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One committed change of one DC's replica of a table: a local write, or a replicated write
 * applied there. What DynamoDB turns into one stream record.
 *
 * @param table the table
 * @param datacenter the DC whose replica changed (not necessarily the item's owner)
 * @param oldImage the item before the change; null on insert
 * @param newImage the item after the change; null on remove
 * @param at when the change was committed in that replica (the record's approximate creation
 *     time, and what its age is measured from)
 * @throws IllegalArgumentException when there is no image at all, the two images are of
 *     different items, or the DC name is not a DC name
 */
public record Change(Table table, String datacenter, StoredItem oldImage, StoredItem newImage, Instant at) {
    private static final Pattern DC = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public Change {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(at, "at");
        if (datacenter == null || !DC.matcher(datacenter).matches()) {
            throw new IllegalArgumentException("invalid datacenter name: " + datacenter);
        }
        if (oldImage == null && newImage == null) {
            throw new IllegalArgumentException("a change needs an old image, a new image or both");
        }
        if (oldImage != null && newImage != null && !oldImage.key().equals(newImage.key())) {
            throw new IllegalArgumentException("old and new images of one change have different keys: "
                    + oldImage.key() + ", " + newImage.key());
        }
    }
}
