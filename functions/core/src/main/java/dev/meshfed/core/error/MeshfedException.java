package dev.meshfed.core.error;

/**
 * Root of meshfed's one error vocabulary. Every failure a caller can cause or observe is one of
 * the permitted subclasses; adapters translate vendor exceptions into them and a single mapper
 * turns them into HTTP statuses. Messages are safe to show to a client: one line, lower-case
 * where Consul's own text is not prescribed, never key material.
 */
public abstract sealed class MeshfedException extends RuntimeException
        permits InvalidInput, InvalidCsr, NotAuthorized, NotFound, Conflict, NotPrimary, RetryLater {

    protected MeshfedException(String message) {
        // No cause and no suppression: these are expected outcomes, not faults, and a cause could
        // carry vendor text or key material into logs.
        super(message, null, false, false);
    }
}
