package dev.meshfed.store.embedded;

import dev.meshfed.core.store.Attr;
import dev.meshfed.stream.events.LambdaAttributes;
import java.util.Map;

/** DynamoDB's item size limits as the embedded store enforces them (one size arithmetic: the stream codec's). */
final class ItemSize {
    /** DynamoDB's largest item. */
    static final int MAX_ITEM_BYTES = LambdaAttributes.MAX_ITEM_BYTES;
    /** DynamoDB stops a query page at this much data. */
    static final int MAX_PAGE_BYTES = 1024 * 1024;

    private ItemSize() {
    }

    static long of(Map<String, Attr> attributes) {
        return LambdaAttributes.sizeOf(attributes);
    }
}
