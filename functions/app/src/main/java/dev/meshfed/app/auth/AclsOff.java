package dev.meshfed.app.auth;

import java.util.Objects;

/**
 * The {@link Authorizer} while ACLs are off ({@code MESHFED_ACL=off}, the default of
 * {@code meshfed dev}): every permission is granted and every request acts as
 * {@link Accessor#ANONYMOUS}, whatever token it carries, as Consul does with ACLs disabled.
 */
public final class AclsOff implements Authorizer {

    @Override
    public Accessor serviceWrite(Token token, String service) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(service, "service");
        return Accessor.ANONYMOUS;
    }

    @Override
    public Accessor meshWrite(Token token) {
        Objects.requireNonNull(token, "token");
        return Accessor.ANONYMOUS;
    }

    @Override
    public Accessor operatorRead(Token token) {
        Objects.requireNonNull(token, "token");
        return Accessor.ANONYMOUS;
    }

    @Override
    public Accessor operatorWrite(Token token) {
        Objects.requireNonNull(token, "token");
        return Accessor.ANONYMOUS;
    }
}
