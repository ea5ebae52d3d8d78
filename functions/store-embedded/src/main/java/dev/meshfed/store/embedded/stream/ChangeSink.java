package dev.meshfed.store.embedded.stream;

/** Receives committed changes, in commit order per item. */
public interface ChangeSink {
    void accept(Change change);
}
