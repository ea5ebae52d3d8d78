package dev.meshfed.core.rotation;

import java.util.stream.LongStream;

/**
 * A half-open range of leaf indexes {@code [from, to)}, as returned by {@link ReissueWindow#due}.
 *
 * @param from the first index in the range
 * @param to one past the last index in the range; equal to {@code from} for an empty range
 */
public record IndexRange(long from, long to) {

    /** @throws IllegalArgumentException if {@code from} is negative or {@code to} is before {@code from} */
    public IndexRange {
        if (from < 0) {
            throw new IllegalArgumentException("index range start must not be negative: " + from);
        }
        if (to < from) {
            throw new IllegalArgumentException("index range end " + to + " is before its start " + from);
        }
    }

    /** The number of indexes in the range. */
    public long size() {
        return to - from;
    }

    /** Whether the range holds no index. */
    public boolean isEmpty() {
        return to == from;
    }

    /** Whether {@code index} lies in the range. */
    public boolean contains(long index) {
        return index >= from && index < to;
    }

    /** The indexes in ascending order. */
    public LongStream indexes() {
        return LongStream.range(from, to);
    }
}
