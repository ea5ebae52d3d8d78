package dev.meshfed.core.store;

import java.util.List;

/**
 * One page of a listing, in sort-key order.
 *
 * @param next the sort key to continue after, or null when this was the last page
 */
public record Page(List<StoredItem> items, String next) {
    public Page {
        items = List.copyOf(items);
    }
}
