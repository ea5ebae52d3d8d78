package dev.meshfed.core.error;

/** Malformed or invalid input (400): a bad parameter, body or configuration. */
public final class InvalidInput extends MeshfedException {
    public InvalidInput(String message) {
        super(message);
    }
}
