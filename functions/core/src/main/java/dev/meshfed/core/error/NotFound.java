package dev.meshfed.core.error;

/** The named object does not exist (404). */
public final class NotFound extends MeshfedException {
    public NotFound(String message) {
        super(message);
    }
}
