package dev.meshfed.store.embedded.stream;

/**
 * Receives every committed change of one DC's replica of one table, in commit order per item.
 * The embedded store and the global-table replicator call it; a {@link StreamFeed} is one.
 */
@FunctionalInterface
public interface ChangeSink {

    /**
     * Takes one change. Implementations return quickly and never call back into the store.
     *
     * @throws IllegalArgumentException when the change is for another table or DC than this sink
     *     serves (a wiring bug)
     */
    void accept(Change change);
}
