package dev.meshfed.core.error;

/** The operation belongs to the primary datacenter and cannot be done here (forwarded, or 503 when the primary is unreachable). */
public final class NotPrimary extends MeshfedException {
    public NotPrimary(String message) {
        super(message);
    }
}
