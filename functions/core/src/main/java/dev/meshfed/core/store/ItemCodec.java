package dev.meshfed.core.store;

import java.util.Map;

/**
 * The one mapping between a domain type and an item body. The same codec reads items from a
 * table and images from a stream record, because both arrive as {@link Attr} maps.
 */
public interface ItemCodec<T> {

    Map<String, Attr> encode(T value);

    /** @throws UndecodableItem naming {@code key} when the body is not a valid {@code T} */
    T decode(ItemKey key, Map<String, Attr> body);
}
