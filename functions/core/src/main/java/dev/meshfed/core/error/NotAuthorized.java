package dev.meshfed.core.error;

/** The token is missing or does not grant the operation (403). */
public final class NotAuthorized extends MeshfedException {
    public NotAuthorized(String message) {
        super(message);
    }
}
