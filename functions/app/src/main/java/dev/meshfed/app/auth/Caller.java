package dev.meshfed.app.auth;

import dev.meshfed.core.acl.Grants;
import dev.meshfed.core.error.NotAuthorized;

import java.util.Objects;

/**
 * A request's resolved token: who it is ({@link Accessor}) and what it may do ({@link Grants}).
 * Each {@code require} method returns the accessor or throws Consul's 403 text
 * ({@link PermissionDenied}); each {@code may} method answers without throwing, for filtering a
 * list to what the caller may see.
 */
public record Caller(Accessor accessor, Grants grants) {

    public Caller {
        Objects.requireNonNull(accessor, "accessor");
        Objects.requireNonNull(grants, "grants");
    }

    public Accessor serviceRead(String service) {
        return require(grants.serviceRead(service), "service", "read", service);
    }

    public Accessor serviceWrite(String service) {
        return require(grants.serviceWrite(service), "service", "write", service);
    }

    public Accessor intentionRead(String destination) {
        return require(grants.intentionRead(destination), "intention", "read", destination);
    }

    public Accessor intentionWrite(String destination) {
        return require(grants.intentionWrite(destination), "intention", "write", destination);
    }

    public Accessor operatorRead() {
        return require(grants.operatorRead(), "operator", "read", null);
    }

    public Accessor operatorWrite() {
        return require(grants.operatorWrite(), "operator", "write", null);
    }

    public Accessor aclRead() {
        return require(grants.aclRead(), "acl", "read", null);
    }

    public Accessor aclWrite() {
        return require(grants.aclWrite(), "acl", "write", null);
    }

    public Accessor meshWrite() {
        return require(grants.meshWrite(), "mesh", "write", null);
    }

    private Accessor require(boolean granted, String resource, String access, String name) {
        if (!granted) {
            throw name == null ? PermissionDenied.lacks(accessor, resource, access)
                    : PermissionDenied.lacks(accessor, resource, access, name);
        }
        return accessor;
    }
}
