package dev.meshfed.store.embedded;

/**
 * The hidden write timestamp that decides last-writer-wins between replicas, as DynamoDB global
 * tables do: later time wins; at the same microsecond the writer DC's name breaks the tie, so
 * every replica picks the same winner.
 */
record WriteStamp(long micros, String writer) implements Comparable<WriteStamp> {
    @Override
    public int compareTo(WriteStamp o) {
        int c = Long.compare(micros, o.micros);
        return c != 0 ? c : writer.compareTo(o.writer);
    }

    boolean after(WriteStamp o) {
        return o == null || compareTo(o) > 0;
    }
}
