package dev.meshfed.core.error;

/** A concurrent change won, or the request conflicts with one in progress (409). */
public final class Conflict extends MeshfedException {
    public Conflict(String message) {
        super(message);
    }
}
