package dev.meshfed.stream.events;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.OperationType;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import java.util.Objects;

/**
 * A stream record that {@link StreamRecords#decode} has checked: the images agree with the
 * keys and with the event name, and each image is a well-formed stored item.
 *
 * <p>An image shows the item as it was when the record was made; handlers re-read the current
 * item and compare versions instead of trusting it (architecture.md, flow 3).
 *
 * @param eventName {@code INSERT} (new image only), {@code MODIFY} (both) or {@code REMOVE}
 *     (old image only)
 * @param key the item's key, from the record's {@code Keys}
 * @param oldImage the item before the change; null for {@code INSERT}
 * @param newImage the item after the change; null for {@code REMOVE}
 * @param sequenceNumber the record's sequence number (decimal digits; compare with
 *     {@link StreamRecords#compareSequenceNumbers}), which is also its batch item identifier
 */
public record DecodedChange(OperationType eventName, ItemKey key, StoredItem oldImage, StoredItem newImage,
        String sequenceNumber) {

    public DecodedChange {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    }
}
